"""API of video visits: availability, open slots, booking, cancelling, rescheduling."""

from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.exceptions import ValidationError
from rest_framework.permissions import BasePermission
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.models import User
from accounts.selectors import primary_therapist_for
from accounts.services.audit import Action, audit_read, audit_read_many, audit_record
from programs.apis.fields import HourMinuteField
from programs.models import Visit, Weekday
from programs.models.visits import VISIT_MINUTES_CHOICES
from programs.selectors import visits as selectors
from programs.services import visits as services
from programs.visits_slots import WeeklyWindow
from therapy.api_errors import ErrorSerializer
from therapy.http import AuthenticatedRequest
from therapy.permissions import RoleOr404

# Visits are between a patient and their PT; anyone else signed in gets 404.
VisitRoles = RoleOr404(User.Role.PATIENT, User.Role.THERAPIST)
PatientRole = RoleOr404(User.Role.PATIENT)
TherapistRole = RoleOr404(User.Role.THERAPIST)


class VisitOutput(serializers.Serializer):
    id = serializers.IntegerField()
    patient_id = serializers.IntegerField()
    therapist_id = serializers.IntegerField()
    starts_at = serializers.DateTimeField()
    ends_at = serializers.DateTimeField()
    status = serializers.CharField()
    join_url = serializers.CharField(allow_null=True)
    rescheduled_from_id = serializers.IntegerField(allow_null=True)

    def to_representation(self, instance: Visit) -> dict[str, object]:
        data = super().to_representation(instance)
        if data["status"] != "booked":
            data["join_url"] = None
        return data


class SlotOutput(serializers.Serializer):
    starts_at = serializers.DateTimeField()
    ends_at = serializers.DateTimeField()
    local_label = serializers.CharField()


class VisitSlotListOutput(serializers.Serializer):
    time_zone = serializers.CharField()
    slots = SlotOutput(many=True)


class VisitStartInput(serializers.Serializer):
    starts_at = serializers.DateTimeField(
        help_text="One of the open slots' starts_at, as ISO-8601 with an offset."
    )


class WindowSerializer(serializers.Serializer):
    weekday = serializers.ChoiceField(choices=Weekday.choices)
    starts_at = HourMinuteField()
    ends_at = HourMinuteField()


class AvailabilitySerializer(serializers.Serializer):
    time_zone = serializers.CharField(read_only=True)
    visit_minutes = serializers.ChoiceField(choices=VISIT_MINUTES_CHOICES)
    windows = WindowSerializer(many=True)


class VisitListApi(APIView):
    permission_classes = [VisitRoles]

    def get_permissions(self) -> list[BasePermission]:
        # Both see their visits; only patients book one here.
        if self.request.method == "POST":
            return [PatientRole()]
        return [VisitRoles()]

    @extend_schema(
        responses={200: VisitOutput(many=True), 404: ErrorSerializer},
        summary="Your upcoming booked visits",
    )
    def get(self, request: AuthenticatedRequest) -> Response:
        visits = list(selectors.visit_list_upcoming(user=request.user))
        audit_read_many(request, objects=visits)
        return Response(VisitOutput(visits, many=True).data)

    @extend_schema(
        request=VisitStartInput,
        responses={201: VisitOutput, 400: ErrorSerializer, 404: ErrorSerializer},
        summary="Book a visit with your PT (patients)",
    )
    def post(self, request: AuthenticatedRequest) -> Response:
        data = VisitStartInput(data=request.data)
        data.is_valid(raise_exception=True)
        visit = services.visit_book(
            patient=request.user, booked_by=request.user, starts_at=data.validated_data["starts_at"]
        )
        audit_record(
            request_or_actor=request, patient_id=visit.patient_id, action=Action.CREATE, obj=visit
        )
        return Response(VisitOutput(visit).data, status=status.HTTP_201_CREATED)


class VisitSlotListApi(APIView):
    permission_classes = [PatientRole]

    @extend_schema(
        responses={200: VisitSlotListOutput, 404: ErrorSerializer},
        summary="Open slots with your PT in the next weeks (patients)",
    )
    def get(self, request: AuthenticatedRequest) -> Response:
        user = request.user
        therapist = primary_therapist_for(patient=user)
        slots = (
            selectors.open_slots_for_therapist(therapist=therapist, patient=user)
            if therapist
            else {}
        )
        zone = selectors.viewer_time_zone(user=user)
        labels = {
            value: label
            for _, options in selectors.slots_by_local_day(slots=slots, time_zone=zone)
            for value, label in options
        }
        rows = [
            {
                "starts_at": start,
                "ends_at": start + length,
                "local_label": labels[start.strftime("%Y-%m-%dT%H:%M:%SZ")],
            }
            for start, length in sorted(slots.items())
        ]
        return Response(VisitSlotListOutput({"time_zone": zone, "slots": rows}).data)


class VisitDetailApi(APIView):
    permission_classes = [VisitRoles]

    @extend_schema(responses={200: VisitOutput, 404: ErrorSerializer}, summary="One visit")
    def get(self, request: AuthenticatedRequest, visit_id: int) -> Response:
        visit = selectors.visit_get_for_user(user=request.user, visit_id=visit_id)
        audit_read(request, patient_id=visit.patient_id, obj=visit)
        return Response(VisitOutput(visit).data)


class VisitCancelApi(APIView):
    permission_classes = [VisitRoles]

    @extend_schema(
        request=None,
        responses={200: VisitOutput, 400: ErrorSerializer, 404: ErrorSerializer},
        summary="Cancel a booked visit",
    )
    def post(self, request: AuthenticatedRequest, visit_id: int) -> Response:
        visit = selectors.visit_get_for_user(user=request.user, visit_id=visit_id)
        if request.data:
            # Cancelling takes no input: a body (patient, status, ...) is refused, not ignored.
            raise ValidationError(
                {str(name): ["Cancelling a visit takes no fields."] for name in request.data}
            )
        visit = services.visit_cancel(visit=visit, by=request.user)
        audit_record(
            request_or_actor=request, patient_id=visit.patient_id, action=Action.UPDATE, obj=visit
        )
        return Response(VisitOutput(visit).data)


class VisitRescheduleApi(APIView):
    permission_classes = [VisitRoles]

    @extend_schema(
        request=VisitStartInput,
        responses={201: VisitOutput, 400: ErrorSerializer, 404: ErrorSerializer},
        summary="Move a booked visit to another open slot; answers the new visit",
    )
    def post(self, request: AuthenticatedRequest, visit_id: int) -> Response:
        visit = selectors.visit_get_for_user(user=request.user, visit_id=visit_id)
        data = VisitStartInput(data=request.data)
        data.is_valid(raise_exception=True)
        new = services.visit_reschedule(
            visit=visit, by=request.user, starts_at=data.validated_data["starts_at"]
        )
        audit_record(
            request_or_actor=request, patient_id=new.patient_id, action=Action.CREATE, obj=new
        )
        return Response(VisitOutput(new).data, status=status.HTTP_201_CREATED)


class AvailabilityApi(APIView):
    permission_classes = [TherapistRole]

    def _answer(self, therapist: User) -> Response:
        minutes, windows = services.availability_windows(therapist=therapist)
        return Response(
            AvailabilitySerializer(
                {
                    "time_zone": selectors.therapist_time_zone(therapist=therapist),
                    "visit_minutes": minutes,
                    "windows": windows,
                }
            ).data
        )

    @extend_schema(
        responses={200: AvailabilitySerializer, 404: ErrorSerializer},
        summary="Your weekly availability (PTs), in your time zone",
    )
    def get(self, request: AuthenticatedRequest) -> Response:
        return self._answer(request.user)

    @extend_schema(
        request=AvailabilitySerializer,
        responses={200: AvailabilitySerializer, 400: ErrorSerializer, 404: ErrorSerializer},
        summary="Replace your weekly availability (PTs)",
    )
    def put(self, request: AuthenticatedRequest) -> Response:
        therapist = request.user
        data = AvailabilitySerializer(data=request.data)
        data.is_valid(raise_exception=True)
        services.availability_set(
            therapist=therapist,
            visit_minutes=data.validated_data["visit_minutes"],
            windows=[WeeklyWindow(**w) for w in data.validated_data["windows"]],
        )
        return self._answer(therapist)
