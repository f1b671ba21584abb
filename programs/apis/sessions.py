"""The patient's API: today's plan, recording a completion, finishing a session."""

from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.models import User
from accounts.services.audit import Action, audit_read, audit_record
from programs.models import Completion
from programs.selectors.sessions import today_plan_rows
from programs.services.sessions import completion_sync, session_finish
from therapy.api_errors import ErrorSerializer
from therapy.http import AuthenticatedRequest
from therapy.permissions import RoleOr404


class TodayExerciseOutput(serializers.Serializer):
    id = serializers.IntegerField()
    slug = serializers.CharField()
    name = serializers.CharField()
    summary = serializers.CharField()
    instructions = serializers.ListField(child=serializers.CharField())
    safety_cues = serializers.ListField(child=serializers.CharField())
    illustration = serializers.CharField(help_text="Path under /static/.")
    illustration_alt = serializers.CharField()


class TodayCompletionOutput(serializers.Serializer):
    pain = serializers.IntegerField()
    difficulty = serializers.ChoiceField(choices=Completion.Feel.choices)


class TodayItemOutput(serializers.Serializer):
    exercise = TodayExerciseOutput()
    sets = serializers.IntegerField()
    reps = serializers.IntegerField(allow_null=True)
    hold_seconds = serializers.IntegerField(allow_null=True)
    per_side = serializers.BooleanField()
    sessions_per_week = serializers.IntegerField()
    order = serializers.IntegerField()
    note = serializers.CharField(allow_blank=True)
    dosage = serializers.CharField()
    due = serializers.BooleanField(help_text="Due on the patient's local day.")
    catch_up = serializers.BooleanField(help_text="Due only because an earlier day was missed.")
    done_this_week = serializers.IntegerField()
    completion = TodayCompletionOutput(allow_null=True)


class TodayPlanRefOutput(serializers.Serializer):
    id = serializers.IntegerField()
    version = serializers.IntegerField()


class TodayPlanOutput(serializers.Serializer):
    local_date = serializers.DateField()
    plan = TodayPlanRefOutput(allow_null=True)
    session_finished = serializers.BooleanField()
    items = TodayItemOutput(many=True)


class TodayPlanApi(APIView):
    permission_classes = [RoleOr404(User.Role.PATIENT)]

    @extend_schema(
        responses={
            200: TodayPlanOutput,
            401: ErrorSerializer,
            403: ErrorSerializer,
            404: ErrorSerializer,
        },
        summary="Today's exercises for the signed-in patient (their local day)",
    )
    def get(self, request: AuthenticatedRequest) -> Response:
        # Plain dicts straight from .values(): the declared serializer documents the shape.
        rows = today_plan_rows(patient=request.user)
        audit_read(request, patient_id=request.user.pk, obj=request.user)
        return Response(rows)


class CompletionCreateApi(APIView):
    permission_classes = [RoleOr404(User.Role.PATIENT)]

    class CompletionInput(serializers.Serializer):
        exercise = serializers.IntegerField(help_text="Exercise id from today's plan.")
        pain = serializers.IntegerField(min_value=0, max_value=10)
        difficulty = serializers.ChoiceField(choices=Completion.Feel.choices)
        client_id = serializers.UUIDField(
            required=False,
            help_text="Made by the app for a completion recorded offline: sending it again "
            "returns the first completion (200) instead of recording a second one.",
        )
        completed_at = serializers.DateTimeField(
            required=False,
            help_text="When it was done, for a completion sent later: not in the future, at "
            "most 7 days ago. Defaults to now.",
        )

    class CompletionOutput(serializers.Serializer):
        id = serializers.IntegerField()
        client_id = serializers.UUIDField(allow_null=True)
        exercise = serializers.IntegerField(source="exercise_id")
        pain = serializers.IntegerField()
        difficulty = serializers.CharField()
        completed_at = serializers.DateTimeField()
        local_date = serializers.DateField(source="session.local_date")

    @extend_schema(
        request=CompletionInput,
        responses={
            200: CompletionOutput,
            201: CompletionOutput,
            400: ErrorSerializer,
            401: ErrorSerializer,
            403: ErrorSerializer,
            404: ErrorSerializer,
        },
        summary="Mark one exercise of today's plan done, with pain 0-10 and how it felt",
        description="201 when recorded; 200 with the original when `client_id` was sent before.",
    )
    def post(self, request: AuthenticatedRequest) -> Response:
        data = self.CompletionInput(data=request.data)
        data.is_valid(raise_exception=True)
        result = completion_sync(
            patient=request.user,
            exercise_id=data.validated_data["exercise"],
            pain=data.validated_data["pain"],
            difficulty=data.validated_data["difficulty"],
            client_id=data.validated_data.get("client_id"),
            completed_at=data.validated_data.get("completed_at"),
        )
        if not result.created:
            return Response(self.CompletionOutput(result.completion).data)
        audit_record(
            request_or_actor=request,
            patient_id=request.user.pk,
            action=Action.CREATE,
            obj=result.completion,
        )
        return Response(
            self.CompletionOutput(result.completion).data, status=status.HTTP_201_CREATED
        )


class SessionFinishApi(APIView):
    permission_classes = [RoleOr404(User.Role.PATIENT)]

    class SessionFinishOutput(serializers.Serializer):
        local_date = serializers.DateField()
        finished_at = serializers.DateTimeField()

    @extend_schema(
        request=None,
        responses={
            200: SessionFinishOutput,
            400: ErrorSerializer,
            401: ErrorSerializer,
            403: ErrorSerializer,
            404: ErrorSerializer,
        },
        summary="Finish today's session (after at least one completion)",
    )
    def post(self, request: AuthenticatedRequest) -> Response:
        session = session_finish(patient=request.user)
        audit_record(
            request_or_actor=request, patient_id=request.user.pk, action=Action.UPDATE, obj=session
        )
        return Response(self.SessionFinishOutput(session).data)
