"""Progression suggestions through the API: list a patient's, accept, edit, decline; the
auto-apply switch. Reads: the patient's PTs and staff; decisions: their PTs."""

from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.models import User
from accounts.selectors import patient_get_for_user
from accounts.services.audit import Action, audit_read, audit_record
from programs.models import MAX_HOLD_SECONDS, MAX_REPS, MAX_SETS, ProgressionSuggestion
from programs.selectors.progression import (
    progression_settings_for,
    suggestion_get_for_user,
    suggestions_for_patient,
)
from programs.services.progression import (
    DoseEdit,
    progression_settings_set,
    suggestion_accept,
    suggestion_decline,
    suggestion_headline,
)
from therapy.api_errors import ErrorSerializer
from therapy.http import AuthenticatedRequest
from therapy.permissions import RoleOr404

Readers = RoleOr404(User.Role.THERAPIST, User.Role.STAFF)
Deciders = RoleOr404(User.Role.THERAPIST)
ERRORS = {
    400: ErrorSerializer,
    401: ErrorSerializer,
    403: ErrorSerializer,
    404: ErrorSerializer,
    409: ErrorSerializer,
}


class SuggestionOutput(serializers.ModelSerializer):
    headline = serializers.SerializerMethodField()
    exercise_name = serializers.CharField(source="exercise.name")
    to_exercise_name = serializers.CharField(source="to_exercise.name")
    based_on_version = serializers.IntegerField(source="based_on_version.number")
    applied_version = serializers.IntegerField(
        source="applied_version.number", allow_null=True, default=None
    )
    decided_by = serializers.CharField(
        source="decided_by.get_full_name", allow_null=True, default=None
    )

    class Meta:
        model = ProgressionSuggestion
        fields = [
            "id",
            "headline",
            "direction",
            "status",
            "exercise",
            "exercise_name",
            "from_sets",
            "from_reps",
            "from_hold_seconds",
            "to_exercise",
            "to_exercise_name",
            "to_sets",
            "to_reps",
            "to_hold_seconds",
            "reason",
            "patient_reason",
            "inputs",
            "created_at",
            "decided_at",
            "decided_by",
            "based_on_version",
            "applied_version",
        ]

    def get_headline(self, obj: ProgressionSuggestion) -> str:
        return suggestion_headline(obj)


class DecisionInput(serializers.Serializer):
    expected_version = serializers.IntegerField(
        help_text="The plan version the suggestion was shown on; another one answers 409."
    )


class EditInput(DecisionInput):
    sets = serializers.IntegerField(min_value=1, max_value=MAX_SETS)
    reps = serializers.IntegerField(
        min_value=1, max_value=MAX_REPS, required=False, allow_null=True
    )
    hold_seconds = serializers.IntegerField(
        min_value=1, max_value=MAX_HOLD_SECONDS, required=False, allow_null=True
    )


class SettingsOutput(serializers.Serializer):
    auto_apply_advances = serializers.BooleanField()


class PatientSuggestionsApi(APIView):
    permission_classes = [Readers]

    @extend_schema(
        responses={200: SuggestionOutput(many=True), **ERRORS},
        summary="A patient's progression suggestions, pending first, with their inputs",
    )
    def get(self, request: AuthenticatedRequest, patient_id: int) -> Response:
        patient = patient_get_for_user(user=request.user, patient_id=patient_id)
        rows = suggestions_for_patient(user=request.user, patient=patient)
        audit_read(request, patient_id=patient.pk, obj=patient)
        return Response(SuggestionOutput(rows, many=True).data)


class _DecisionApi(APIView):
    permission_classes = [Deciders]

    def _suggestion(
        self, request: AuthenticatedRequest, suggestion_id: int
    ) -> ProgressionSuggestion:
        return suggestion_get_for_user(user=request.user, suggestion_id=suggestion_id)

    def _done(self, request: AuthenticatedRequest, suggestion_id: int) -> Response:
        suggestion = self._suggestion(request, suggestion_id)
        audit_record(
            request_or_actor=request,
            patient_id=suggestion.patient_id,
            action=Action.UPDATE,
            obj=suggestion,
        )
        return Response(SuggestionOutput(suggestion).data)


class SuggestionAcceptApi(_DecisionApi):
    @extend_schema(
        request=DecisionInput,
        responses={200: SuggestionOutput, **ERRORS},
        summary="Accept a suggestion: a new plan version attributed to it",
    )
    def post(self, request: AuthenticatedRequest, suggestion_id: int) -> Response:
        suggestion = self._suggestion(request, suggestion_id)
        data = DecisionInput(data=request.data)
        data.is_valid(raise_exception=True)
        suggestion_accept(
            therapist=request.user,
            suggestion=suggestion,
            expected_version=data.validated_data["expected_version"],
        )
        return self._done(request, suggestion_id)


class SuggestionEditApi(_DecisionApi):
    @extend_schema(
        request=EditInput,
        responses={200: SuggestionOutput, **ERRORS},
        summary="Accept a smaller step than suggested: a new plan version attributed to it",
    )
    def post(self, request: AuthenticatedRequest, suggestion_id: int) -> Response:
        suggestion = self._suggestion(request, suggestion_id)
        data = EditInput(data=request.data)
        data.is_valid(raise_exception=True)
        v = data.validated_data
        suggestion_accept(
            therapist=request.user,
            suggestion=suggestion,
            expected_version=v["expected_version"],
            edit=DoseEdit(sets=v["sets"], reps=v.get("reps"), hold_seconds=v.get("hold_seconds")),
        )
        return self._done(request, suggestion_id)


class SuggestionDeclineApi(_DecisionApi):
    @extend_schema(
        request=DecisionInput,
        responses={200: SuggestionOutput, **ERRORS},
        summary="Decline a suggestion: the plan stays as it is, the decision is kept",
    )
    def post(self, request: AuthenticatedRequest, suggestion_id: int) -> Response:
        suggestion = self._suggestion(request, suggestion_id)
        data = DecisionInput(data=request.data)
        data.is_valid(raise_exception=True)
        suggestion_decline(
            therapist=request.user,
            suggestion=suggestion,
            expected_version=data.validated_data["expected_version"],
        )
        return self._done(request, suggestion_id)


class ProgressionSettingsApi(APIView):
    def get_permissions(self) -> list:
        return [Readers()] if self.request.method == "GET" else [Deciders()]

    @extend_schema(responses={200: SettingsOutput, **ERRORS}, summary="The auto-apply switch")
    def get(self, request: AuthenticatedRequest, patient_id: int) -> Response:
        patient = patient_get_for_user(user=request.user, patient_id=patient_id)
        settings = progression_settings_for(patient_id=patient.pk)
        return Response({"auto_apply_advances": bool(settings and settings.auto_apply_advances)})

    @extend_schema(
        request=SettingsOutput,
        responses={200: SettingsOutput, **ERRORS},
        summary="Switch auto-apply of advances on or off (never regressions)",
    )
    def put(self, request: AuthenticatedRequest, patient_id: int) -> Response:
        patient = patient_get_for_user(user=request.user, patient_id=patient_id)
        data = SettingsOutput(data=request.data)
        data.is_valid(raise_exception=True)
        settings = progression_settings_set(
            therapist=request.user,
            patient=patient,
            auto_apply_advances=data.validated_data["auto_apply_advances"],
        )
        audit_record(
            request_or_actor=request, patient_id=patient.pk, action=Action.UPDATE, obj=settings
        )
        return Response({"auto_apply_advances": settings.auto_apply_advances})
