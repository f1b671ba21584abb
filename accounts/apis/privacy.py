"""API for a patient's own data. Anyone else: 404."""

from django.http import StreamingHttpResponse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema
from rest_framework.exceptions import NotFound
from rest_framework.request import Request
from rest_framework.views import APIView

from accounts.apis import ErrorSerializer
from accounts.models import User
from accounts.services.privacy import patient_data_export_stream


class MyDataExportApi(APIView):
    @extend_schema(
        responses={200: OpenApiTypes.OBJECT, 404: ErrorSerializer},
        summary="Everything held about me, as JSON (patients)",
    )
    def get(self, request: Request) -> StreamingHttpResponse:
        user: User = request.user  # type: ignore[assignment]
        if not user.is_patient:
            raise NotFound()
        # Streamed: a large record is written section by section, never held whole.
        response = StreamingHttpResponse(
            patient_data_export_stream(request, patient=user), content_type="application/json"
        )
        response["Cache-Control"] = "no-store"
        return response
