"""API of progress notes: list, read, edit a draft, sign, add an addendum."""

from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.exceptions import ValidationError
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.models import User
from accounts.selectors import patient_get_for_user
from accounts.services.audit import Action, audit_read, audit_read_many, audit_record
from programs.models import ProgressNote
from programs.selectors.notes import note_get_for_user, notes_for_patient
from programs.services import notes as note_services
from therapy.api_errors import ErrorSerializer
from therapy.http import AuthenticatedRequest
from therapy.permissions import IsClinicalUser, RoleOr404


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


_Therapist = RoleOr404(User.Role.THERAPIST)


class PatientNoteListApi(APIView):
    def get_permissions(self) -> list:
        # Reading: clinical users; writing: the patient's therapists only.
        return [IsClinicalUser()] if self.request.method == "GET" else [_Therapist()]

    class NoteStartInput(serializers.Serializer):
        period_days = serializers.IntegerField(
            min_value=7, max_value=366, default=note_services.DEFAULT_PERIOD_DAYS
        )

    @extend_schema(
        responses={200: NoteOutput(many=True), 404: ErrorSerializer},
        summary="A patient's notes (patients: signed only)",
    )
    def get(self, request: AuthenticatedRequest, patient_id: int) -> Response:
        notes = notes_for_patient(user=request.user, patient_id=patient_id)
        audit_read_many(request, objects=notes)
        return Response(NoteOutput(notes, many=True).data)

    @extend_schema(
        request=NoteStartInput,
        responses={201: NoteOutput, 400: ErrorSerializer, 404: ErrorSerializer},
        summary="Start a draft note prefilled with the period's figures",
    )
    def post(self, request: AuthenticatedRequest, patient_id: int) -> Response:
        user = request.user
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
    def get_permissions(self) -> list:
        # Reading: clinical users; writing: the patient's therapists only.
        return [IsClinicalUser()] if self.request.method == "GET" else [_Therapist()]

    class NoteUpdateInput(serializers.Serializer):
        subjective = serializers.CharField(required=False, allow_blank=True)
        objective = serializers.CharField(required=False, allow_blank=True)
        assessment = serializers.CharField(required=False, allow_blank=True)
        plan = serializers.CharField(required=False, allow_blank=True)

    @extend_schema(responses={200: NoteOutput, 404: ErrorSerializer}, summary="One note")
    def get(self, request: AuthenticatedRequest, note_id: int) -> Response:
        note = note_get_for_user(user=request.user, note_id=note_id)
        audit_read(request, patient_id=note.patient_id, obj=note)
        return Response(NoteOutput(note).data)

    @extend_schema(
        request=NoteUpdateInput,
        responses={200: NoteOutput, 400: ErrorSerializer, 404: ErrorSerializer},
        summary="Edit a draft note",
    )
    def patch(self, request: AuthenticatedRequest, note_id: int) -> Response:
        user = request.user
        note_get_for_user(user=user, note_id=note_id)  # access first: else 404
        data = self.NoteUpdateInput(data=request.data)
        data.is_valid(raise_exception=True)
        note = note_services.note_update_draft(user=user, note_id=note_id, **data.validated_data)
        audit_record(
            request_or_actor=request, patient_id=note.patient_id, action=Action.UPDATE, obj=note
        )
        return Response(NoteOutput(note).data)


class NoteSignApi(APIView):
    permission_classes = [_Therapist]

    class NoteSignInput(serializers.Serializer):
        confirm = serializers.BooleanField(
            default=False,
            help_text="true to sign and lock; without it, 400 asking to confirm. The note "
            "needs its assessment and plan written.",
        )

    @extend_schema(
        request=NoteSignInput,
        responses={200: NoteOutput, 400: ErrorSerializer, 404: ErrorSerializer},
        summary="Sign a draft note (locks it; needs assessment, plan and confirm=true)",
    )
    def post(self, request: AuthenticatedRequest, note_id: int) -> Response:
        data = self.NoteSignInput(data=request.data)
        data.is_valid(raise_exception=True)
        note = note_services.note_sign(
            user=request.user, note_id=note_id, confirm=data.validated_data["confirm"]
        )
        audit_record(
            request_or_actor=request, patient_id=note.patient_id, action=Action.UPDATE, obj=note
        )
        return Response(NoteOutput(note).data)


class NoteAddendumApi(APIView):
    permission_classes = [_Therapist]

    class NoteAddendumInput(serializers.Serializer):
        text = serializers.CharField(max_length=note_services.FIELD_MAX)

    @extend_schema(
        request=NoteAddendumInput,
        responses={201: NoteAddendumOutput, 400: ErrorSerializer, 404: ErrorSerializer},
        summary="Add a signed addendum to a signed note",
    )
    def post(self, request: AuthenticatedRequest, note_id: int) -> Response:
        user = request.user
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
