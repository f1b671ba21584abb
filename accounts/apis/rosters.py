"""The employer admin's roster API: their sponsor's roster imports and roster.

Every endpoint resolves the admin's sponsor first (404 for anyone else) and reads through it.
"""

from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers, status
from rest_framework.exceptions import ValidationError
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.models import RosterEntry, RosterImport, User
from accounts.selectors.employer import employer_sponsor_for
from accounts.selectors.rosters import (
    ROSTER_FIELDS,
    roster_entry_get,
    roster_import_get,
    roster_import_list,
    roster_search,
)
from accounts.services.rosters import roster_import_confirm, roster_import_create
from therapy.api_errors import ErrorSerializer
from therapy.http import AuthenticatedRequest
from therapy.permissions import RoleOr404


class RosterImportOutput(serializers.ModelSerializer):
    class Meta:
        model = RosterImport
        fields = [
            "id",
            "original_name",
            "source",
            "status",
            "error",
            "rows_total",
            "added",
            "updated",
            "ended",
            "unchanged",
            "rejected",
            "created_at",
            "finished_at",
        ]


class RosterEntryOutput(serializers.ModelSerializer):
    coverage_status = serializers.CharField(read_only=True)

    class Meta:
        model = RosterEntry
        fields = [*ROSTER_FIELDS, "coverage_status"]


class RosterImportListApi(APIView):
    permission_classes = [RoleOr404(User.Role.EMPLOYER_ADMIN)]
    parser_classes = [MultiPartParser, FormParser]

    class RosterUploadInput(serializers.Serializer):
        file = serializers.FileField()

    @extend_schema(
        responses={200: RosterImportOutput(many=True), 404: ErrorSerializer},
        summary="Roster import history",
    )
    def get(self, request: AuthenticatedRequest) -> Response:
        sponsor = employer_sponsor_for(user=request.user)
        return Response(RosterImportOutput(roster_import_list(sponsor=sponsor), many=True).data)

    @extend_schema(
        request={"multipart/form-data": RosterUploadInput},
        responses={202: RosterImportOutput, 400: ErrorSerializer, 404: ErrorSerializer},
        summary="Upload a roster file (replaces the roster in force once processed)",
    )
    def post(self, request: AuthenticatedRequest) -> Response:
        sponsor = employer_sponsor_for(user=request.user)
        data = self.RosterUploadInput(data=request.data)
        data.is_valid(raise_exception=True)
        created = roster_import_create(
            sponsor=sponsor,
            file=data.validated_data["file"],
            uploaded_by=request.user,
            source=RosterImport.Source.API,
        )
        return Response(RosterImportOutput(created).data, status=status.HTTP_202_ACCEPTED)


class RosterImportDetailApi(APIView):
    permission_classes = [RoleOr404(User.Role.EMPLOYER_ADMIN)]

    @extend_schema(
        responses={200: RosterImportOutput, 404: ErrorSerializer}, summary="One roster import"
    )
    def get(self, request: AuthenticatedRequest, import_id: int) -> Response:
        sponsor = employer_sponsor_for(user=request.user)
        return Response(
            RosterImportOutput(roster_import_get(sponsor=sponsor, import_id=import_id)).data
        )


class RosterImportConfirmApi(APIView):
    permission_classes = [RoleOr404(User.Role.EMPLOYER_ADMIN)]

    @extend_schema(
        request=None,
        responses={202: RosterImportOutput, 400: ErrorSerializer, 404: ErrorSerializer},
        summary="Apply an import that waits for confirmation",
    )
    def post(self, request: AuthenticatedRequest, import_id: int) -> Response:
        sponsor = employer_sponsor_for(user=request.user)
        found = roster_import_get(sponsor=sponsor, import_id=import_id)
        confirmed = roster_import_confirm(roster_import=found, user=request.user)
        return Response(RosterImportOutput(confirmed).data, status=status.HTTP_202_ACCEPTED)


class RosterSearchApi(APIView):
    permission_classes = [RoleOr404(User.Role.EMPLOYER_ADMIN)]

    @extend_schema(
        parameters=[OpenApiParameter("search", str, description="Name, member ID or email")],
        responses={200: RosterEntryOutput(many=True), 400: ErrorSerializer, 404: ErrorSerializer},
        summary="Search the roster",
    )
    def get(self, request: AuthenticatedRequest) -> Response:
        sponsor = employer_sponsor_for(user=request.user)
        query = request.query_params.get("search", "")
        if "\x00" in query:
            raise ValidationError({"search": ["Null characters are not allowed."]})
        entries = roster_search(sponsor=sponsor, query=query)
        return Response(RosterEntryOutput(entries, many=True).data)


class RosterEntryApi(APIView):
    permission_classes = [RoleOr404(User.Role.EMPLOYER_ADMIN)]

    @extend_schema(
        responses={200: RosterEntryOutput, 404: ErrorSerializer},
        summary="One person's coverage",
    )
    def get(self, request: AuthenticatedRequest, entry_id: int) -> Response:
        sponsor = employer_sponsor_for(user=request.user)
        return Response(
            RosterEntryOutput(roster_entry_get(sponsor=sponsor, entry_id=entry_id)).data
        )
