"""The patient's progress figures through the API."""

from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.models import User
from accounts.services.audit import audit_read
from programs.selectors.progress import progress_for_patient
from therapy.api_errors import ErrorSerializer
from therapy.http import AuthenticatedRequest
from therapy.permissions import RoleOr404


class WeekAdherenceOutput(serializers.Serializer):
    week_start = serializers.DateField()
    completed = serializers.IntegerField()
    prescribed = serializers.IntegerField()
    percent = serializers.IntegerField(allow_null=True)


class PainPointOutput(serializers.Serializer):
    day = serializers.DateField()
    average = serializers.FloatField()


class SessionRowOutput(serializers.Serializer):
    local_date = serializers.DateField()
    exercises_done = serializers.IntegerField()
    average_pain = serializers.FloatField(allow_null=True)
    finished = serializers.BooleanField()
    plan_version = serializers.IntegerField()


class ProgressOutput(serializers.Serializer):
    local_date = serializers.DateField()
    streak_days = serializers.IntegerField()
    this_week = WeekAdherenceOutput()
    last_four_weeks = WeekAdherenceOutput(many=True)
    four_week_percent = serializers.IntegerField(allow_null=True)
    pain = PainPointOutput(many=True)
    sessions = SessionRowOutput(many=True)


class ProgressApi(APIView):
    permission_classes = [RoleOr404(User.Role.PATIENT)]

    @extend_schema(
        responses={
            200: ProgressOutput,
            401: ErrorSerializer,
            403: ErrorSerializer,
            404: ErrorSerializer,
        },
        summary="Streak, adherence this week and the last four, pain over time, sessions",
    )
    def get(self, request: AuthenticatedRequest) -> Response:
        progress = progress_for_patient(patient=request.user)
        audit_read(request, patient_id=request.user.pk, obj=request.user)
        return Response(ProgressOutput(progress).data)
