"""API of the care team: caseload, alerts, outcome measures, progress notes."""

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers, status
from rest_framework.exceptions import NotFound, ValidationError
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.apis import ErrorSerializer
from accounts.audit import Action, audit_read, audit_read_many, audit_record
from accounts.models import User
from accounts.selectors import patient_get_for_user
from programs.models import Alert, OutcomeResponse, ProgressNote
from programs.selectors.alerts import alert_describe, alert_get_for_user, alerts_for_patient
from programs.selectors.caseload import CASELOAD_FILTERS, CASELOAD_SORTS, caseload_for_user
from programs.selectors.notes import note_get_for_user, notes_for_patient
from programs.selectors.outcomes import outcome_overview
from programs.services import alerts as alert_services
from programs.services import notes as note_services
from programs.services import outcomes as outcome_services
from therapy.permissions import IsClinicalUser


def _therapist(request: Request) -> User:
    if not request.user.is_therapist:
        raise NotFound()
    return request.user  # type: ignore[return-value]


# --- caseload --------------------------------------------------------------------------
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
    def get(self, request: Request) -> Response:
        # A plain dict: DRF reads a QueryDict like a form, where `?show=` means "use the default".
        query = self.CaseloadQuery(data=request.query_params.dict())
        query.is_valid(raise_exception=True)  # an unknown filter or sort is 400, not ignored
        data = caseload_for_user(
            user=request.user,  # type: ignore[arg-type]
            q=query.validated_data["q"][:100],
            show=query.validated_data["show"],
            sort=query.validated_data["sort"],
            page=query.validated_data["page"],
        )
        audit_read_many(request, objects=[row.patient for row in data.rows], patient_attr="pk")
        return Response(CaseloadOutput(data).data)


# --- alerts ----------------------------------------------------------------------------
class AlertOutput(serializers.ModelSerializer):
    acknowledged_by = serializers.IntegerField(source="acknowledged_by_id", allow_null=True)
    description = serializers.SerializerMethodField()

    class Meta:
        model = Alert
        fields = [
            "id",
            "patient",
            "kind",
            "severity",
            "opened_at",
            "details",
            "description",
            "acknowledged_at",
            "acknowledged_by",
            "acknowledgement_note",
        ]

    def get_description(self, alert: Alert) -> str:
        return alert_describe(alert)


class PatientAlertListApi(APIView):
    permission_classes = [IsClinicalUser]

    @extend_schema(
        responses={200: AlertOutput(many=True), 404: ErrorSerializer},
        summary="A patient's alerts, open first",
    )
    def get(self, request: Request, patient_id: int) -> Response:
        if request.user.is_patient:
            raise NotFound()
        patient = patient_get_for_user(user=request.user, patient_id=patient_id)  # type: ignore[arg-type]
        alerts = alerts_for_patient(user=request.user, patient=patient)  # type: ignore[arg-type]
        audit_read(request, patient_id=patient.pk, obj=patient)
        return Response(AlertOutput(alerts, many=True).data)


class AlertAcknowledgeApi(APIView):
    permission_classes = [IsClinicalUser]

    class AlertAcknowledgeInput(serializers.Serializer):
        note = serializers.CharField(max_length=alert_services.ACK_NOTE_MAX)

    @extend_schema(
        request=AlertAcknowledgeInput,
        responses={200: AlertOutput, 400: ErrorSerializer, 404: ErrorSerializer},
        summary="Acknowledge an alert with a short note",
    )
    def post(self, request: Request, alert_id: int) -> Response:
        user = _therapist(request)
        # Access first: another patient's alert is 404 whatever the body says.
        alert_get_for_user(user=user, alert_id=alert_id)
        data = self.AlertAcknowledgeInput(data=request.data)
        data.is_valid(raise_exception=True)
        alert = alert_services.alert_acknowledge(
            user=user, alert_id=alert_id, note=data.validated_data["note"]
        )
        audit_record(
            request_or_actor=request, patient_id=alert.patient_id, action=Action.UPDATE, obj=alert
        )
        return Response(AlertOutput(alert).data)


# --- outcome measures ------------------------------------------------------------------
class OutcomeResponseOutput(serializers.ModelSerializer):
    class Meta:
        model = OutcomeResponse
        fields = ["id", "measure", "answered_at", "local_date", "score", "answers"]


class OutcomeDueOutput(serializers.Serializer):
    measure = serializers.CharField()
    label = serializers.CharField()
    due_on = serializers.DateField()
    is_due = serializers.BooleanField()
    is_baseline = serializers.BooleanField()


class PatientOutcomesOutput(serializers.Serializer):
    due = OutcomeDueOutput(many=True)
    responses = OutcomeResponseOutput(many=True)


class PatientOutcomeListApi(APIView):
    permission_classes = [IsClinicalUser]

    @extend_schema(
        responses={200: PatientOutcomesOutput, 404: ErrorSerializer},
        summary="A patient's outcome measures and what is due",
    )
    def get(self, request: Request, patient_id: int) -> Response:
        overview = outcome_overview(user=request.user, patient_id=patient_id)  # type: ignore[arg-type]
        audit_record(request_or_actor=request, patient_id=patient_id, action=Action.READ)
        responses = sorted(
            (r for rows in overview.history.values() for r in rows), key=lambda r: r.answered_at
        )
        return Response(PatientOutcomesOutput({"due": overview.due, "responses": responses}).data)


class OutcomeRecordApi(APIView):
    permission_classes = [IsClinicalUser]

    class OutcomeRecordInput(serializers.Serializer):
        measure = serializers.ChoiceField(choices=OutcomeResponse.Measure.choices)
        answers = serializers.DictField(
            help_text='{"pain": 0-10} | {"sections": {key: 0-5 or null}} | '
            '{"activities": [{"activity": str, "rating": 0-10}]}'
        )

    @extend_schema(
        request=OutcomeRecordInput,
        responses={201: OutcomeResponseOutput, 400: ErrorSerializer, 404: ErrorSerializer},
        summary="Answer an outcome measure (patients)",
    )
    def post(self, request: Request) -> Response:
        if not request.user.is_patient:
            raise NotFound()
        data = self.OutcomeRecordInput(data=request.data)
        data.is_valid(raise_exception=True)
        patient = User.objects.select_related("patient_profile").get(pk=request.user.pk)
        response = outcome_services.outcome_record(patient=patient, **data.validated_data)
        audit_record(
            request_or_actor=request, patient_id=patient.pk, action=Action.CREATE, obj=response
        )
        return Response(OutcomeResponseOutput(response).data, status=status.HTTP_201_CREATED)


# --- progress notes --------------------------------------------------------------------
class NoteAddendumOutput(serializers.ModelSerializer):
    class Meta:
        model = ProgressNote
        fields = ["id", "author", "body", "signed_at"]


class NoteOutput(serializers.ModelSerializer):
    addenda = NoteAddendumOutput(many=True, read_only=True)

    class Meta:
        model = ProgressNote
        fields = [
            "id",
            "patient",
            "author",
            "period_start",
            "period_end",
            "subjective",
            "objective",
            "assessment",
            "plan",
            "status",
            "created_at",
            "updated_at",
            "signed_at",
            "signed_by",
            "addenda",
        ]


class PatientNoteListApi(APIView):
    permission_classes = [IsClinicalUser]

    class NoteStartInput(serializers.Serializer):
        period_days = serializers.IntegerField(
            min_value=7, max_value=366, default=note_services.DEFAULT_PERIOD_DAYS
        )

    @extend_schema(
        responses={200: NoteOutput(many=True), 404: ErrorSerializer},
        summary="A patient's notes (patients: signed only)",
    )
    def get(self, request: Request, patient_id: int) -> Response:
        notes = notes_for_patient(user=request.user, patient_id=patient_id)  # type: ignore[arg-type]
        audit_read_many(request, objects=notes)
        return Response(NoteOutput(notes, many=True).data)

    @extend_schema(
        request=NoteStartInput,
        responses={201: NoteOutput, 400: ErrorSerializer, 404: ErrorSerializer},
        summary="Start a draft note prefilled with the period's figures",
    )
    def post(self, request: Request, patient_id: int) -> Response:
        user = _therapist(request)
        patient_get_for_user(user=user, patient_id=patient_id)  # access first: else 404
        unknown = sorted(set(request.data) - set(self.NoteStartInput().fields))
        if unknown:
            # Who the note is about comes from the URL, who wrote it from the session: fields
            # such as patient, author or signed_at are refused, not ignored.
            raise ValidationError({name: ["Not a field of a new note."] for name in unknown})
        data = self.NoteStartInput(data=request.data)
        data.is_valid(raise_exception=True)
        note = note_services.note_start_draft(
            therapist=user, patient_id=patient_id, **data.validated_data
        )
        audit_record(
            request_or_actor=request, patient_id=note.patient_id, action=Action.CREATE, obj=note
        )
        return Response(NoteOutput(note).data, status=status.HTTP_201_CREATED)


class NoteDetailApi(APIView):
    permission_classes = [IsClinicalUser]

    class NoteUpdateInput(serializers.Serializer):
        subjective = serializers.CharField(required=False, allow_blank=True)
        objective = serializers.CharField(required=False, allow_blank=True)
        assessment = serializers.CharField(required=False, allow_blank=True)
        plan = serializers.CharField(required=False, allow_blank=True)

    @extend_schema(responses={200: NoteOutput, 404: ErrorSerializer}, summary="One note")
    def get(self, request: Request, note_id: int) -> Response:
        note = note_get_for_user(user=request.user, note_id=note_id)  # type: ignore[arg-type]
        audit_read(request, patient_id=note.patient_id, obj=note)
        return Response(NoteOutput(note).data)

    @extend_schema(
        request=NoteUpdateInput,
        responses={200: NoteOutput, 400: ErrorSerializer, 404: ErrorSerializer},
        summary="Edit a draft note",
    )
    def patch(self, request: Request, note_id: int) -> Response:
        user = _therapist(request)
        note_get_for_user(user=user, note_id=note_id)  # access first: else 404
        data = self.NoteUpdateInput(data=request.data)
        data.is_valid(raise_exception=True)
        note = note_services.note_update_draft(user=user, note_id=note_id, **data.validated_data)
        audit_record(
            request_or_actor=request, patient_id=note.patient_id, action=Action.UPDATE, obj=note
        )
        return Response(NoteOutput(note).data)


class NoteSignApi(APIView):
    permission_classes = [IsClinicalUser]

    @extend_schema(
        request=None,
        responses={200: NoteOutput, 400: ErrorSerializer, 404: ErrorSerializer},
        summary="Sign a draft note (locks it)",
    )
    def post(self, request: Request, note_id: int) -> Response:
        note = note_services.note_sign(user=_therapist(request), note_id=note_id)
        audit_record(
            request_or_actor=request, patient_id=note.patient_id, action=Action.UPDATE, obj=note
        )
        return Response(NoteOutput(note).data)


class NoteAddendumApi(APIView):
    permission_classes = [IsClinicalUser]

    class NoteAddendumInput(serializers.Serializer):
        text = serializers.CharField(max_length=note_services.FIELD_MAX)

    @extend_schema(
        request=NoteAddendumInput,
        responses={201: NoteAddendumOutput, 400: ErrorSerializer, 404: ErrorSerializer},
        summary="Add a signed addendum to a signed note",
    )
    def post(self, request: Request, note_id: int) -> Response:
        user = _therapist(request)
        note_get_for_user(user=user, note_id=note_id)  # access first: else 404
        data = self.NoteAddendumInput(data=request.data)
        data.is_valid(raise_exception=True)
        addendum = note_services.note_add_addendum(
            user=user, note_id=note_id, text=data.validated_data["text"]
        )
        audit_record(
            request_or_actor=request,
            patient_id=addendum.patient_id,
            action=Action.CREATE,
            obj=addendum,
        )
        return Response(NoteAddendumOutput(addendum).data, status=status.HTTP_201_CREATED)
