"""The employer admin's dashboard API (404 for anyone who is not an employer admin)."""

from django.http import Http404
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers
from rest_framework.exceptions import ValidationError
from rest_framework.permissions import IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.apis.people import ErrorSerializer
from accounts.models import RosterEntry
from accounts.selectors.employer import employer_dashboard, employer_sponsor_for
from accounts.services.employer import employer_periods_close_due


class IsEmployerAdmin(IsAuthenticated):
    def has_permission(self, request: Request, view: object) -> bool:
        if not super().has_permission(request, view):
            return False
        if not request.user.is_employer_admin:
            raise Http404()
        return True


class EmployerDashboardApi(APIView):
    permission_classes = [IsEmployerAdmin]

    class DashboardFigureOutput(serializers.Serializer):
        key = serializers.CharField()
        label = serializers.CharField()
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
    def get(self, request: Request) -> Response:
        sponsor = employer_sponsor_for(user=request.user)
        relationship = request.query_params.get("relationship", "")
        given = "relationship" in request.query_params
        if given and relationship not in RosterEntry.Relationship.values:
            # An unknown filter is refused rather than quietly ignored.
            raise ValidationError({"relationship": ["Not one of the relationships."]})
        employer_periods_close_due(sponsor=sponsor)  # normally done already by the hourly task
        figures = employer_dashboard(sponsor=sponsor, relationship=relationship)
        return Response(self.DashboardFigureOutput(figures, many=True).data)
