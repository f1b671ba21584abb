"""API of clinical alerts: a patient's alerts, acknowledging one."""

from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.exceptions import NotFound
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.models import User
from accounts.selectors import patient_get_for_user
from accounts.services.audit import Action, audit_read, audit_record
from programs.models import Alert
from programs.selectors.alerts import alert_describe, alert_get_for_user, alerts_for_patient
from programs.services import alerts as alert_services
from therapy.api_errors import ErrorSerializer
from therapy.http import AuthenticatedRequest
from therapy.permissions import IsClinicalUser, RoleOr404


class AlertOutput(serializers.ModelSerializer):
    acknowledged_by = serializers.IntegerField(source="acknowledged_by_id", allow_null=True)
    description = serializers.SerializerMethodField()

    class Meta:
        model = Alert
        fields = [
            "id",
            "patient",
            "kind",
            "severity",
            "opened_at",
            "details",
            "description",
            "acknowledged_at",
            "acknowledged_by",
            "acknowledgement_note",
        ]

    def get_description(self, alert: Alert) -> str:
        return alert_describe(alert)


class PatientAlertListApi(APIView):
    permission_classes = [IsClinicalUser]

    @extend_schema(
        responses={200: AlertOutput(many=True), 404: ErrorSerializer},
        summary="A patient's alerts, open first",
    )
    def get(self, request: AuthenticatedRequest, patient_id: int) -> Response:
        if request.user.is_patient:
            raise NotFound()
        patient = patient_get_for_user(user=request.user, patient_id=patient_id)
        alerts = alerts_for_patient(user=request.user, patient=patient)
        audit_read(request, patient_id=patient.pk, obj=patient)
        return Response(AlertOutput(alerts, many=True).data)


class AlertAcknowledgeApi(APIView):
    permission_classes = [RoleOr404(User.Role.THERAPIST)]

    class AlertAcknowledgeInput(serializers.Serializer):
        note = serializers.CharField(max_length=alert_services.ACK_NOTE_MAX)

    @extend_schema(
        request=AlertAcknowledgeInput,
        responses={200: AlertOutput, 400: ErrorSerializer, 404: ErrorSerializer},
        summary="Acknowledge an alert with a short note",
    )
    def post(self, request: AuthenticatedRequest, alert_id: int) -> Response:
        user = request.user
        # Access first: another patient's alert is 404 whatever the body says.
        alert_get_for_user(user=user, alert_id=alert_id)
        data = self.AlertAcknowledgeInput(data=request.data)
        data.is_valid(raise_exception=True)
        alert = alert_services.alert_acknowledge(
            user=user, alert_id=alert_id, note=data.validated_data["note"]
        )
        audit_record(
            request_or_actor=request, patient_id=alert.patient_id, action=Action.UPDATE, obj=alert
        )
        return Response(AlertOutput(alert).data)
