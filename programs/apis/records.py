"""A patient's record in FHIR R4: the patient's own export, and a PT's plan as a CarePlan
(export and import). Out of bounds answers 404, like every record endpoint."""

from django.http import StreamingHttpResponse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema
from rest_framework.parsers import JSONParser
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.models import User
from accounts.services.audit import Action, audit_read, audit_record
from programs.selectors.plans import patient_for_plan_editor, plan_get_for_user
from programs.selectors.records import plan_careplan, records_fhir_bundle_stream
from programs.services.records import plan_import_careplan
from therapy.api_errors import ErrorSerializer
from therapy.http import AuthenticatedRequest
from therapy.permissions import IsClinicalUser, RoleOr404

FHIR_JSON = "application/fhir+json"


class FhirJSONParser(JSONParser):
    media_type = FHIR_JSON


# Writes to a plan: therapists and staff (the patient is checked per call), as programs.apis.plans.
PlanEditor = RoleOr404(User.Role.THERAPIST, User.Role.STAFF)


class MyFhirExportApi(APIView):
    permission_classes = [RoleOr404(User.Role.PATIENT)]

    @extend_schema(
        responses={
            (200, FHIR_JSON): OpenApiTypes.OBJECT,
            (401, "application/json"): ErrorSerializer,
            (404, "application/json"): ErrorSerializer,
        },
        summary="Everything held about me, as a FHIR R4 Bundle of type collection (patients)",
    )
    def get(self, request: AuthenticatedRequest) -> StreamingHttpResponse:
        user = request.user
        audit_record(request_or_actor=request, patient_id=user.pk, action=Action.EXPORT, obj=user)
        response = StreamingHttpResponse(
            records_fhir_bundle_stream(patient=user),
            content_type=FHIR_JSON,
        )
        response["Content-Disposition"] = 'attachment; filename="my-psoas-care-record.fhir.json"'
        response["Cache-Control"] = "no-store"
        return response


class PlanFhirApi(APIView):
    """GET: the active plan as a FHIR CarePlan (the patient, their PTs, staff). POST: make a
    CarePlan's prescription the patient's plan (their PTs, staff); 400 names the element."""

    parser_classes = [JSONParser, FhirJSONParser]

    def get_permissions(self) -> list:
        return [IsClinicalUser()] if self.request.method == "GET" else [PlanEditor()]

    @extend_schema(
        responses={
            (200, FHIR_JSON): OpenApiTypes.OBJECT,
            (401, "application/json"): ErrorSerializer,
            (404, "application/json"): ErrorSerializer,
        },
        summary="A patient's active plan as a FHIR R4 CarePlan",
    )
    def get(self, request: AuthenticatedRequest, patient_id: int) -> Response:
        plan = plan_get_for_user(user=request.user, patient_id=patient_id)
        audit_read(request, patient_id=plan.patient_id, obj=plan)
        return Response(plan_careplan(plan=plan), content_type=FHIR_JSON)

    @extend_schema(
        request=OpenApiTypes.OBJECT,
        responses={
            (200, FHIR_JSON): OpenApiTypes.OBJECT,
            (400, "application/json"): ErrorSerializer,
            (401, "application/json"): ErrorSerializer,
            (404, "application/json"): ErrorSerializer,
        },
        summary="Import a FHIR R4 CarePlan as the patient's plan (a new version)",
    )
    def post(self, request: AuthenticatedRequest, patient_id: int) -> Response:
        patient = patient_for_plan_editor(user=request.user, patient_id=patient_id)
        plan = plan_import_careplan(
            therapist=request.user,
            patient=patient,
            careplan=request.data,
        )
        audit_record(
            request_or_actor=request, patient_id=patient.pk, action=Action.UPDATE, obj=plan
        )
        plan.refresh_from_db()
        return Response(plan_careplan(plan=plan), content_type=FHIR_JSON)
