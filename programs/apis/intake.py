"""API of the intake for the care team: the latest answers, and the PT's clearance."""

from drf_spectacular.utils import extend_schema, extend_schema_field
from rest_framework import serializers, status
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.models import User
from accounts.services.audit import audit_read
from programs.models import Intake, IntakeClearance
from programs.models.intake import flag_question
from programs.selectors.intake import intake_review_for_user
from programs.services.intake import CLEARANCE_REASON_MAX, intake_clear
from therapy.api_errors import ErrorSerializer
from therapy.permissions import RoleOr404


class FlagOutput(serializers.Serializer):
    name = serializers.CharField()
    tier = serializers.CharField()
    question = serializers.CharField()


class IntakeAnswersOutput(serializers.ModelSerializer):
    flags = serializers.SerializerMethodField()

    class Meta:
        model = Intake
        fields = [
            "id",
            "submitted_at",
            "pain_now",
            "pain_areas",
            "goals",
            "hard_activities",
            "in_their_words",
            "has_red_flags",
            "red_flag_tier",
            "flags",
        ]

    @extend_schema_field(FlagOutput(many=True))
    def get_flags(self, intake: Intake) -> list[dict[str, str]]:
        tiers = dict(zip(intake.flags, (t for t, _ in intake.flag_labels()), strict=True))
        return [
            {
                "name": name,
                "tier": tiers[name],
                "question": flag_question(name),
            }
            for name in intake.flags
        ]


class ClearanceOutput(serializers.ModelSerializer):
    therapist = serializers.IntegerField(source="therapist_id")

    class Meta:
        model = IntakeClearance
        fields = ["id", "therapist", "reason", "cleared_at"]


class IntakeReviewOutput(serializers.Serializer):
    patient_id = serializers.IntegerField()
    phone = serializers.CharField()
    intake = IntakeAnswersOutput(allow_null=True)
    open_flag = serializers.BooleanField()
    clearances = ClearanceOutput(many=True)


def _review_data(review: object) -> dict:
    return IntakeReviewOutput(
        {
            "patient_id": review.patient.pk,  # type: ignore[attr-defined]
            "phone": review.phone,  # type: ignore[attr-defined]
            "intake": review.intake,  # type: ignore[attr-defined]
            "open_flag": review.open_flag,  # type: ignore[attr-defined]
            "clearances": review.clearances,  # type: ignore[attr-defined]
        }
    ).data


class PatientIntakeApi(APIView):
    permission_classes = [RoleOr404(User.Role.THERAPIST, User.Role.STAFF)]

    @extend_schema(
        responses={200: IntakeReviewOutput, 404: ErrorSerializer},
        summary="A patient's latest intake: which flags (tier, question), when, their words, "
        "their phone, and any clearance",
    )
    def get(self, request: Request, patient_id: int) -> Response:
        review = intake_review_for_user(user=request.user, patient_id=patient_id)  # type: ignore[arg-type]
        audit_read(request, patient_id=review.patient.pk, obj=review.intake or review.patient)
        return Response(_review_data(review))


class IntakeClearApi(APIView):
    permission_classes = [RoleOr404(User.Role.THERAPIST)]

    class IntakeClearInput(serializers.Serializer):
        reason = serializers.CharField(max_length=CLEARANCE_REASON_MAX)

    @extend_schema(
        request=IntakeClearInput,
        responses={
            201: IntakeReviewOutput,
            400: ErrorSerializer,
            404: ErrorSerializer,
            409: ErrorSerializer,
        },
        summary="The patient's PT records that a program may start despite the intake's "
        "flags, with a reason (audited)",
    )
    def post(self, request: Request, patient_id: int) -> Response:
        user: User = request.user  # type: ignore[assignment]
        intake_review_for_user(user=user, patient_id=patient_id)  # access first: 404
        data = self.IntakeClearInput(data=request.data)
        data.is_valid(raise_exception=True)
        intake_clear(
            therapist=user,
            patient_id=patient_id,
            reason=data.validated_data["reason"],
            audit_as=request,
        )
        review = intake_review_for_user(user=user, patient_id=patient_id)
        return Response(_review_data(review), status=status.HTTP_201_CREATED)
