"""API of the PT's caseload."""

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.services.audit import audit_read_patients
from programs.selectors.caseload import CASELOAD_FILTERS, CASELOAD_SORTS, caseload_for_user
from therapy.api_errors import ErrorSerializer
from therapy.http import AuthenticatedRequest
from therapy.permissions import IsClinicalUser


class CaseloadAlertOutput(serializers.Serializer):
    id = serializers.IntegerField()
    kind = serializers.CharField()
    severity = serializers.CharField()
    opened_at = serializers.DateTimeField()


class CaseloadRowOutput(serializers.Serializer):
    id = serializers.IntegerField(source="patient.id")
    first_name = serializers.CharField(source="patient.first_name")
    last_name = serializers.CharField(source="patient.last_name")
    email = serializers.EmailField(source="patient.email")
    last_activity_on = serializers.DateField(
        source="summary.last_activity_on", allow_null=True, default=None
    )
    adherence_week_percent = serializers.IntegerField(
        source="summary.adherence_week_percent", allow_null=True, default=None
    )
    latest_pain = serializers.IntegerField(
        source="summary.latest_pain", allow_null=True, default=None
    )
    recent_pain = serializers.DecimalField(
        source="summary.recent_pain", max_digits=3, decimal_places=1, allow_null=True, default=None
    )
    pain_trend = serializers.DecimalField(max_digits=3, decimal_places=1, allow_null=True)
    latest_odi = serializers.DecimalField(max_digits=5, decimal_places=1, allow_null=True)
    open_alerts = CaseloadAlertOutput(many=True)


class CaseloadOutput(serializers.Serializer):
    count = serializers.IntegerField(source="page.paginator.count")
    page = serializers.IntegerField(source="page.number")
    num_pages = serializers.IntegerField(source="page.paginator.num_pages")
    results = CaseloadRowOutput(many=True, source="rows")


class CaseloadApi(APIView):
    permission_classes = [IsClinicalUser]

    class CaseloadQuery(serializers.Serializer):
        q = serializers.CharField(required=False, allow_blank=True, default="")
        show = serializers.ChoiceField(choices=list(CASELOAD_FILTERS), default="all")
        sort = serializers.ChoiceField(choices=list(CASELOAD_SORTS), default="name")
        page = serializers.IntegerField(min_value=1, default=1)

    @extend_schema(
        parameters=[
            OpenApiParameter("q", OpenApiTypes.STR, description="Search name or email"),
            OpenApiParameter("show", OpenApiTypes.STR, enum=list(CASELOAD_FILTERS)),
            OpenApiParameter("sort", OpenApiTypes.STR, enum=list(CASELOAD_SORTS)),
            OpenApiParameter("page", OpenApiTypes.INT),
        ],
        responses={200: CaseloadOutput, 400: ErrorSerializer, 404: ErrorSerializer},
        summary="The PT's caseload, one page",
    )
    def get(self, request: AuthenticatedRequest) -> Response:
        # A plain dict: DRF reads a QueryDict like a form, where `?show=` means "use the default".
        query = self.CaseloadQuery(data=request.query_params.dict())
        query.is_valid(raise_exception=True)  # an unknown filter or sort is 400, not ignored
        data = caseload_for_user(
            user=request.user,
            q=query.validated_data["q"][:100],
            show=query.validated_data["show"],
            sort=query.validated_data["sort"],
            page=query.validated_data["page"],
        )
        # The same READ row per patient shown as audit_read_many writes, in one INSERT.
        audit_read_patients(request, patient_ids=[row.patient.pk for row in data.rows])
        return Response(CaseloadOutput(data).data)
