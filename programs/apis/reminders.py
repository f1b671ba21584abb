from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.models import User
from accounts.services.audit import Action, audit_read, audit_record
from programs.apis.fields import HourMinuteField
from programs.models import ReminderChannel, ReminderDelivery
from programs.reminders_times import weekdays_from_mask
from programs.selectors.reminders import reminder_log_for_user, reminder_settings_for_user
from programs.services.reminders import MAX_TIMES, ReminderChoices, reminder_settings_update
from therapy.api_errors import ErrorSerializer
from therapy.http import AuthenticatedRequest
from therapy.permissions import RoleOr404

# Reminders belong to the patient alone: other signed-in people get 404.
PatientRole = RoleOr404(User.Role.PATIENT)


class ReminderSettingsOutput(serializers.Serializer):
    enabled = serializers.BooleanField()
    times = serializers.ListField(child=HourMinuteField())
    weekdays = serializers.ListField(
        child=serializers.IntegerField(), help_text="0 = Monday ... 6 = Sunday"
    )
    time_zone = serializers.CharField()
    channel = serializers.ChoiceField(choices=ReminderChannel.choices)
    quiet_start = HourMinuteField(allow_null=True)
    quiet_end = HourMinuteField(allow_null=True)
    paused_until = serializers.DateTimeField(allow_null=True)
    unsubscribed_at = serializers.DateTimeField(allow_null=True)


def _settings_payload(user: User) -> dict[str, object]:
    current = reminder_settings_for_user(user=user)
    prefs = current.settings
    return {
        "enabled": prefs.enabled,
        "times": current.times,
        "weekdays": weekdays_from_mask(prefs.weekdays),
        "time_zone": prefs.time_zone,
        "channel": prefs.channel,
        "quiet_start": prefs.quiet_start,
        "quiet_end": prefs.quiet_end,
        "paused_until": prefs.paused_until,
        "unsubscribed_at": prefs.unsubscribed_at,
    }


class ReminderSettingsApi(APIView):
    permission_classes = [PatientRole]

    class ReminderSettingsInput(serializers.Serializer):
        enabled = serializers.BooleanField()
        times = serializers.ListField(child=HourMinuteField(), max_length=MAX_TIMES)
        weekdays = serializers.ListField(
            child=serializers.IntegerField(min_value=0, max_value=6), max_length=7
        )
        time_zone = serializers.CharField(max_length=64)
        channel = serializers.ChoiceField(choices=ReminderChannel.choices)
        quiet_start = HourMinuteField(allow_null=True, default=None)
        quiet_end = HourMinuteField(allow_null=True, default=None)
        pause_days = serializers.IntegerField(
            min_value=0,
            max_value=90,
            allow_null=True,
            default=None,
            help_text="Leave out to keep the current pause; 0 resumes; n pauses n days.",
        )

    @extend_schema(
        responses={200: ReminderSettingsOutput, 403: ErrorSerializer, 404: ErrorSerializer},
        summary="Your reminder settings",
    )
    def get(self, request: AuthenticatedRequest) -> Response:
        return Response(ReminderSettingsOutput(_settings_payload(request.user)).data)

    @extend_schema(
        request=ReminderSettingsInput,
        responses={
            200: ReminderSettingsOutput,
            400: ErrorSerializer,
            403: ErrorSerializer,
            404: ErrorSerializer,
        },
        summary="Change your reminder settings",
    )
    def put(self, request: AuthenticatedRequest) -> Response:
        data = self.ReminderSettingsInput(data=request.data)
        data.is_valid(raise_exception=True)
        prefs = reminder_settings_update(
            patient=request.user, choices=ReminderChoices(**data.validated_data)
        )
        audit_record(
            request_or_actor=request, patient_id=request.user.pk, action=Action.UPDATE, obj=prefs
        )
        return Response(ReminderSettingsOutput(_settings_payload(request.user)).data)


class ReminderLogEntryOutput(serializers.ModelSerializer):
    class Meta:
        model = ReminderDelivery
        fields = ["id", "slot_at", "local_date", "local_time", "status", "reason", "channel"]


class ReminderLogApi(APIView):
    permission_classes = [PatientRole]

    @extend_schema(
        responses={
            200: ReminderLogEntryOutput(many=True),
            403: ErrorSerializer,
            404: ErrorSerializer,
        },
        summary="Your last 100 reminders: sent, skipped (with the reason) or failed",
    )
    def get(self, request: AuthenticatedRequest) -> Response:
        deliveries = reminder_log_for_user(user=request.user)
        audit_read(request, patient_id=request.user.pk, obj=request.user)
        return Response(ReminderLogEntryOutput(deliveries, many=True).data)
