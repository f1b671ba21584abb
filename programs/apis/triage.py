"""API of the staff care-coordination queue: patients without a PT, alerts without an owner."""

from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.models import User
from accounts.services.audit import audit_read_many
from programs.selectors.alerts import alert_describe
from programs.selectors.triage import triage_queue
from programs.services.triage import triage_assign_therapist
from therapy.api_errors import ErrorSerializer
from therapy.permissions import RoleOr404


class TriageTherapistOutput(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()
    accepting_patients = serializers.BooleanField()


class TriagePatientOutput(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()
    state = serializers.CharField()
    phone = serializers.CharField()
    has_intake = serializers.BooleanField()
    red_flag_tier = serializers.CharField()
    open_urgent_alerts = serializers.IntegerField()
    messages_waiting = serializers.IntegerField()
    therapists = TriageTherapistOutput(many=True)


class TriageAlertOutput(serializers.Serializer):
    id = serializers.IntegerField()
    patient = serializers.IntegerField()
    kind = serializers.CharField()
    severity = serializers.CharField()
    opened_at = serializers.DateTimeField()
    therapist = serializers.IntegerField(allow_null=True)
    escalated_at = serializers.DateTimeField(allow_null=True)
    description = serializers.CharField()


class TriageOutput(serializers.Serializer):
    patients_without_pt = TriagePatientOutput(many=True)
    alerts_without_owner = TriageAlertOutput(many=True)


class TriageApi(APIView):
    permission_classes = [RoleOr404(User.Role.STAFF)]

    @extend_schema(
        responses={200: TriageOutput, 404: ErrorSerializer},
        summary="The care-coordination queue: patients without a PT, and open alerts without "
        "an owner or escalated to staff (urgent first)",
    )
    def get(self, request: Request) -> Response:
        queue = triage_queue(user=request.user)  # type: ignore[arg-type]
        audit_read_many(request, objects=[row.patient for row in queue.patients], patient_attr="pk")
        audit_read_many(request, objects=queue.alerts)
        return Response(
            TriageOutput(
                {
                    "patients_without_pt": [
                        {
                            "id": row.patient.pk,
                            "name": row.patient.get_full_name(),
                            "state": row.state,
                            "phone": row.phone,
                            "has_intake": row.has_intake,
                            "red_flag_tier": row.red_flag_tier,
                            "open_urgent_alerts": row.open_urgent_alerts,
                            "messages_waiting": row.messages_waiting,
                            "therapists": [
                                {
                                    "id": pt.pk,
                                    "name": pt.get_full_name(),
                                    "accepting_patients": pt.therapist_profile.accepting_patients,
                                }
                                for pt in row.therapists
                            ],
                        }
                        for row in queue.patients
                    ],
                    "alerts_without_owner": [
                        {
                            "id": a.pk,
                            "patient": a.patient_id,
                            "kind": a.kind,
                            "severity": a.severity,
                            "opened_at": a.opened_at,
                            "therapist": a.therapist_id,
                            "escalated_at": a.escalated_at,
                            "description": alert_describe(a),
                        }
                        for a in queue.alerts
                    ],
                }
            ).data
        )


class TriageAssignInput(serializers.Serializer):
    therapist_id = serializers.IntegerField()


class TriageAssignOutput(serializers.Serializer):
    patient = serializers.IntegerField()
    therapist = serializers.IntegerField()
    therapist_name = serializers.CharField()
    started_at = serializers.DateTimeField()


class TriageAssignApi(APIView):
    """The page's "Assign" through the API: a PT licensed in the patient's state becomes their
    primary PT, and the patient's open alerts move to that PT."""

    permission_classes = [RoleOr404(User.Role.STAFF)]

    @extend_schema(
        request=TriageAssignInput,
        responses={
            201: TriageAssignOutput,
            400: ErrorSerializer,
            404: ErrorSerializer,
            409: ErrorSerializer,
        },
        summary="Make a PT licensed in the patient's state the primary PT of a patient",
    )
    def post(self, request: Request, patient_id: int) -> Response:
        data = TriageAssignInput(data=request.data)
        data.is_valid(raise_exception=True)
        link = triage_assign_therapist(
            staff=request.user,  # type: ignore[arg-type]
            patient_id=patient_id,
            therapist_id=data.validated_data["therapist_id"],
            audit_as=request,
        )
        return Response(
            TriageAssignOutput(
                {
                    "patient": link.patient_id,
                    "therapist": link.therapist_id,
                    "therapist_name": link.therapist.get_full_name(),
                    "started_at": link.started_at,
                }
            ).data,
            status=201,
        )
