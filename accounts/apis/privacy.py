"""API for a patient's own data. Anyone else: 404."""

from django.http import StreamingHttpResponse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema
from rest_framework.views import APIView

from accounts.models import User
from accounts.services.privacy import patient_data_export_stream
from therapy.api_errors import ErrorSerializer
from therapy.http import AuthenticatedRequest
from therapy.permissions import RoleOr404


class MyDataExportApi(APIView):
    permission_classes = [RoleOr404(User.Role.PATIENT)]

    @extend_schema(
        responses={200: OpenApiTypes.OBJECT, 404: ErrorSerializer},
        summary="Everything held about me, as JSON (patients)",
    )
    def get(self, request: AuthenticatedRequest) -> StreamingHttpResponse:
        # Streamed: a large record is written section by section, never held whole.
        response = StreamingHttpResponse(
            patient_data_export_stream(request, patient=request.user),
            content_type="application/json",
        )
        response["Cache-Control"] = "no-store"
        return response
