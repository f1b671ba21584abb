"""API of outcome measures: a patient's answers and what is due, recording an answer."""

from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.exceptions import NotFound
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.models import User
from accounts.services.audit import Action, audit_record
from programs.models import OutcomeResponse
from programs.selectors.outcomes import outcome_overview
from programs.services import outcomes as outcome_services
from therapy.api_errors import ErrorSerializer
from therapy.http import AuthenticatedRequest
from therapy.permissions import IsClinicalUser


class OutcomeResponseOutput(serializers.ModelSerializer):
    class Meta:
        model = OutcomeResponse
        fields = ["id", "measure", "answered_at", "local_date", "score", "answers"]


class OutcomeDueOutput(serializers.Serializer):
    measure = serializers.CharField()
    label = serializers.CharField()  # type: ignore[assignment]  # a field named like Field.label
    due_on = serializers.DateField()
    is_due = serializers.BooleanField()
    is_baseline = serializers.BooleanField()


class PatientOutcomesOutput(serializers.Serializer):
    due = OutcomeDueOutput(many=True)
    responses = OutcomeResponseOutput(many=True)


class PatientOutcomeListApi(APIView):
    permission_classes = [IsClinicalUser]

    @extend_schema(
        responses={200: PatientOutcomesOutput, 404: ErrorSerializer},
        summary="A patient's outcome measures and what is due",
    )
    def get(self, request: AuthenticatedRequest, patient_id: int) -> Response:
        overview = outcome_overview(user=request.user, patient_id=patient_id)
        audit_record(request_or_actor=request, patient_id=patient_id, action=Action.READ)
        responses = sorted(
            (r for rows in overview.history.values() for r in rows), key=lambda r: r.answered_at
        )
        return Response(PatientOutcomesOutput({"due": overview.due, "responses": responses}).data)


class OutcomeRecordApi(APIView):
    permission_classes = [IsClinicalUser]

    class OutcomeRecordInput(serializers.Serializer):
        measure = serializers.ChoiceField(choices=OutcomeResponse.Measure.choices)
        answers = serializers.DictField(
            help_text='{"pain": 0-10} | {"sections": {key: 0-5 or null}} | '
            '{"activities": [{"activity": str, "rating": 0-10}]}'
        )

    @extend_schema(
        request=OutcomeRecordInput,
        responses={201: OutcomeResponseOutput, 400: ErrorSerializer, 404: ErrorSerializer},
        summary="Answer an outcome measure (patients)",
    )
    def post(self, request: AuthenticatedRequest) -> Response:
        if not request.user.is_patient:
            raise NotFound()
        data = self.OutcomeRecordInput(data=request.data)
        data.is_valid(raise_exception=True)
        patient = User.objects.select_related("patient_profile").get(pk=request.user.pk)
        response = outcome_services.outcome_record(patient=patient, **data.validated_data)
        audit_record(
            request_or_actor=request, patient_id=patient.pk, action=Action.CREATE, obj=response
        )
        return Response(OutcomeResponseOutput(response).data, status=status.HTTP_201_CREATED)
