"""The employer admin's dashboard API (404 for anyone who is not an employer admin)."""

from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers
from rest_framework.exceptions import ValidationError
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.models import RosterEntry, User
from accounts.selectors.employer import employer_dashboard, employer_sponsor_for
from accounts.services.employer import employer_periods_close_due
from therapy.api_errors import ErrorSerializer
from therapy.http import AuthenticatedRequest
from therapy.permissions import RoleOr404


class EmployerDashboardApi(APIView):
    permission_classes = [RoleOr404(User.Role.EMPLOYER_ADMIN)]

    class DashboardFigureOutput(serializers.Serializer):
        key = serializers.CharField()
        # Declared fields leave the class at run time; only the stubs see Field.label shadowed.
        label = serializers.CharField()  # type: ignore[assignment]  # the API's field name
        shown = serializers.CharField(help_text='The figure, or "<11" when suppressed.')

    @extend_schema(
        parameters=[
            OpenApiParameter(
                "relationship", str, enum=RosterEntry.Relationship.values, required=False
            )
        ],
        responses={
            200: DashboardFigureOutput(many=True),
            400: ErrorSerializer,
            404: ErrorSerializer,
        },
        summary="Aggregate figures, small cells suppressed",
    )
    def get(self, request: AuthenticatedRequest) -> Response:
        sponsor = employer_sponsor_for(user=request.user)
        relationship = request.query_params.get("relationship", "")
        given = "relationship" in request.query_params
        if given and relationship not in RosterEntry.Relationship.values:
            # An unknown filter is refused rather than quietly ignored.
            raise ValidationError({"relationship": ["Not one of the relationships."]})
        employer_periods_close_due(sponsor=sponsor)  # normally done already by the hourly task
        figures = employer_dashboard(sponsor=sponsor, relationship=relationship)
        return Response(self.DashboardFigureOutput(figures, many=True).data)
