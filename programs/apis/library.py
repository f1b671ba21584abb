"""The exercise library and program templates: what a PT's client needs to build a plan."""

from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.models import User
from programs.models import Exercise
from programs.selectors.library import exercise_library
from therapy.api_errors import ErrorSerializer
from therapy.http import AuthenticatedRequest
from therapy.permissions import RoleOr404


class LibraryExerciseOutput(serializers.ModelSerializer):
    instructions = serializers.ListField(source="instruction_steps", child=serializers.CharField())
    safety_cues = serializers.ListField(source="safety_cue_list", child=serializers.CharField())
    # Not "difficulty": that name is the completion's too-easy/about-right/too-hard choice.
    level = serializers.IntegerField(
        source="difficulty", help_text="1 gentle, 2 moderate, 3 challenging."
    )

    class Meta:
        model = Exercise
        fields = [
            "id",
            "slug",
            "name",
            "body_region",
            "level",
            "summary",
            "instructions",
            "safety_cues",
            "illustration",
            "illustration_alt",
            "default_sets",
            "default_reps",
            "default_hold_seconds",
            "default_per_side",
            "default_sessions_per_week",
            "regression",
            "progression",
        ]


class ExerciseLibraryApi(APIView):
    # Reading the library is not changing a plan: PTs and operations staff.
    permission_classes = [RoleOr404(User.Role.THERAPIST, User.Role.STAFF)]

    @extend_schema(
        responses={
            200: LibraryExerciseOutput(many=True),
            401: ErrorSerializer,
            403: ErrorSerializer,
            404: ErrorSerializer,
        },
        summary="The exercise library (ids to use in a plan), for PTs and staff",
    )
    def get(self, request: AuthenticatedRequest) -> Response:
        return Response(LibraryExerciseOutput(exercise_library(), many=True).data)
