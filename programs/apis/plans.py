"""A patient's plan through the API: read (clinical users), assign, replace, swap, history."""

from django.db.models import Prefetch, prefetch_related_objects
from django.shortcuts import get_object_or_404
from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.models import User
from accounts.services.audit import Action, audit_read, audit_record
from programs.models import (
    HOLD_TOO_LONG,
    MAX_HOLD_SECONDS,
    MAX_REPS,
    MAX_SETS,
    Plan,
    PlanItem,
    PlanVersion,
    ProgramTemplate,
    reps_xor_hold_error,
)
from programs.selectors.plans import patient_for_plan_editor, plan_get_for_user, plan_versions
from programs.services.plans import (
    ItemSpec,
    plan_assign_template,
    plan_swap_exercise,
    plan_tailor,
)
from therapy.api_errors import ErrorSerializer
from therapy.http import AuthenticatedRequest
from therapy.permissions import IsClinicalUser, RoleOr404

# Writes to a plan: therapists and staff (the patient is checked per call).
# Writes to a patient's plan: their PTs only. Operations staff read plans but never change
# clinical content (issue 13; docs/security.md).
PlanEditor = RoleOr404(User.Role.THERAPIST)


class PlanItemOutput(serializers.ModelSerializer):
    exercise_name = serializers.CharField(source="exercise.name")
    exercise_slug = serializers.CharField(source="exercise.slug")
    dosage = serializers.CharField(source="dosage_text")

    class Meta:
        model = PlanItem
        fields = [
            "exercise",
            "exercise_name",
            "exercise_slug",
            "order",
            "sets",
            "reps",
            "hold_seconds",
            "per_side",
            "sessions_per_week",
            "note",
            "dosage",
        ]


class PlanVersionOutput(serializers.ModelSerializer):
    created_by = serializers.CharField(source="created_by.get_full_name")
    changes = serializers.ListField(source="change_lines", child=serializers.CharField())
    items = PlanItemOutput(many=True)

    class Meta:
        model = PlanVersion
        fields = ["number", "created_by", "created_at", "changes", "seen_by_patient_at", "items"]


class PlanOutput(serializers.Serializer):
    id = serializers.IntegerField()
    patient = serializers.IntegerField(source="patient_id")
    template = serializers.CharField(source="template.slug", allow_null=True, default=None)
    status = serializers.CharField()
    created_at = serializers.DateTimeField()
    version = PlanVersionOutput(source="current_version")


def _plan_output(plan: Plan) -> dict:
    """The plan with its current version's items, exercises joined: three queries in all."""
    if plan.current_version is not None:
        prefetch_related_objects(
            [plan.current_version],
            Prefetch(
                "items", queryset=PlanItem.objects.select_related("exercise").order_by("order")
            ),
        )
    return PlanOutput(plan).data


class PlanItemInput(serializers.Serializer):
    exercise = serializers.IntegerField()
    sets = serializers.IntegerField(min_value=1, max_value=MAX_SETS)
    reps = serializers.IntegerField(
        min_value=1, max_value=MAX_REPS, required=False, allow_null=True
    )
    hold_seconds = serializers.IntegerField(
        min_value=1,
        max_value=MAX_HOLD_SECONDS,
        required=False,
        allow_null=True,
        error_messages={"max_value": HOLD_TOO_LONG},
    )
    per_side = serializers.BooleanField(default=False)
    sessions_per_week = serializers.IntegerField(min_value=1, max_value=7, default=7)
    note = serializers.CharField(max_length=500, allow_blank=True, default="")

    def validate(self, attrs: dict) -> dict:
        if message := reps_xor_hold_error(
            reps=attrs.get("reps"), hold_seconds=attrs.get("hold_seconds")
        ):
            raise serializers.ValidationError(message)
        return attrs


class PlanDetailApi(APIView):
    """GET: the patient, their PTs and staff. PUT: their PTs only."""

    def get_permissions(self) -> list:
        return [IsClinicalUser()] if self.request.method == "GET" else [PlanEditor()]

    class PlanUpdateInput(serializers.Serializer):
        expected_version = serializers.IntegerField(
            help_text="The version number you edited; a stale one answers 409 and saves nothing."
        )
        items = PlanItemInput(many=True, help_text="The whole plan, in order.")

    @extend_schema(
        responses={
            200: PlanOutput,
            401: ErrorSerializer,
            403: ErrorSerializer,
            404: ErrorSerializer,
        },
        summary="A patient's active plan (current version)",
    )
    def get(self, request: AuthenticatedRequest, patient_id: int) -> Response:
        plan = plan_get_for_user(user=request.user, patient_id=patient_id)
        audit_read(request, patient_id=plan.patient_id, obj=plan)
        return Response(_plan_output(plan))

    @extend_schema(
        request=PlanUpdateInput,
        responses={
            200: PlanOutput,
            400: ErrorSerializer,
            401: ErrorSerializer,
            403: ErrorSerializer,
            404: ErrorSerializer,
            409: ErrorSerializer,
        },
        summary="Replace a patient's plan content: makes a new version",
    )
    def put(self, request: AuthenticatedRequest, patient_id: int) -> Response:
        patient = patient_for_plan_editor(user=request.user, patient_id=patient_id)
        data = self.PlanUpdateInput(data=request.data)
        data.is_valid(raise_exception=True)
        plan = plan_get_for_user(user=request.user, patient_id=patient.pk)
        specs = [
            ItemSpec(
                exercise_id=i["exercise"],
                sets=i["sets"],
                reps=i.get("reps"),
                hold_seconds=i.get("hold_seconds"),
                per_side=i["per_side"],
                sessions_per_week=i["sessions_per_week"],
                note=i["note"],
            )
            for i in data.validated_data["items"]
        ]
        plan_tailor(
            therapist=request.user,
            plan=plan,
            expected_version=data.validated_data["expected_version"],
            items=specs,
        )
        plan = plan_get_for_user(user=request.user, patient_id=patient.pk)
        audit_record(
            request_or_actor=request, patient_id=patient.pk, action=Action.UPDATE, obj=plan
        )
        return Response(_plan_output(plan))


class PlanSwapApi(APIView):
    permission_classes = [PlanEditor]

    class PlanSwapInput(serializers.Serializer):
        expected_version = serializers.IntegerField()
        exercise = serializers.IntegerField(help_text="The exercise to swap out.")
        direction = serializers.ChoiceField(choices=["easier", "harder"])

    @extend_schema(
        request=PlanSwapInput,
        responses={
            200: PlanOutput,
            400: ErrorSerializer,
            401: ErrorSerializer,
            403: ErrorSerializer,
            404: ErrorSerializer,
            409: ErrorSerializer,
        },
        summary="Swap one exercise for its easier or harder variant: makes a new version",
    )
    def post(self, request: AuthenticatedRequest, patient_id: int) -> Response:
        patient = patient_for_plan_editor(user=request.user, patient_id=patient_id)
        data = self.PlanSwapInput(data=request.data)
        data.is_valid(raise_exception=True)
        plan = plan_get_for_user(user=request.user, patient_id=patient.pk)
        plan_swap_exercise(
            therapist=request.user,
            plan=plan,
            expected_version=data.validated_data["expected_version"],
            exercise_id=data.validated_data["exercise"],
            direction=data.validated_data["direction"],
        )
        plan = plan_get_for_user(user=request.user, patient_id=patient.pk)
        audit_record(
            request_or_actor=request, patient_id=patient.pk, action=Action.UPDATE, obj=plan
        )
        return Response(_plan_output(plan))


class PlanAssignApi(APIView):
    permission_classes = [PlanEditor]

    class PlanAssignInput(serializers.Serializer):
        template = serializers.SlugField(help_text="Program template slug, e.g. psoas.")
        replace = serializers.BooleanField(
            default=False,
            help_text="Confirm replacing an active plan's exercises (a new version; the "
            "history keeps the earlier ones). Without it, an active plan answers 409.",
        )

    @extend_schema(
        request=PlanAssignInput,
        responses={
            201: PlanOutput,
            400: ErrorSerializer,
            401: ErrorSerializer,
            403: ErrorSerializer,
            404: ErrorSerializer,
            409: ErrorSerializer,
        },
        summary="Start the patient on a program template (over a plan: replace=true, a new "
        "version); 409 until the patient has an intake with no open safety flag",
    )
    def post(self, request: AuthenticatedRequest, patient_id: int) -> Response:
        patient = patient_for_plan_editor(user=request.user, patient_id=patient_id)
        data = self.PlanAssignInput(data=request.data)
        data.is_valid(raise_exception=True)
        template = get_object_or_404(ProgramTemplate, slug=data.validated_data["template"])
        plan = plan_assign_template(
            therapist=request.user,
            patient=patient,
            template=template,
            replace=data.validated_data["replace"],
        )
        audit_record(
            request_or_actor=request, patient_id=patient.pk, action=Action.CREATE, obj=plan
        )
        plan = plan_get_for_user(user=request.user, patient_id=patient.pk)
        return Response(_plan_output(plan), status=status.HTTP_201_CREATED)


class PlanVersionListApi(APIView):
    permission_classes = [IsClinicalUser]

    @extend_schema(
        responses={
            200: PlanVersionOutput(many=True),
            401: ErrorSerializer,
            403: ErrorSerializer,
            404: ErrorSerializer,
        },
        summary="Every version of a patient's active plan, newest first: who, when, what changed",
    )
    def get(self, request: AuthenticatedRequest, patient_id: int) -> Response:
        plan = plan_get_for_user(user=request.user, patient_id=patient_id)
        audit_read(request, patient_id=plan.patient_id, obj=plan)
        return Response(PlanVersionOutput(plan_versions(plan=plan), many=True).data)
