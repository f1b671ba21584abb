"""Exercise reminders: the patient's choices, a schedule row per local time, a delivery per slot.

The sweep reads only `ReminderSchedule` (its time zone and days are copied there so that no
join is needed) through the partial index of enabled rows ordered by `next_due_at`.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone

from accounts.models import validate_time_zone

ALL_WEEKDAYS = 0b1111111  # bit 0 = Monday ... bit 6 = Sunday


class ReminderChannel(models.TextChoices):
    EMAIL = "email", "Email"
    SMS = "sms", "Text message (SMS)"
    BOTH = "both", "Email and text message"
    PUSH = "push", "Notification on my phone or computer"


class ReminderSettings(models.Model):
    patient = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="reminder_settings"
    )
    enabled = models.BooleanField(default=True)
    weekdays = models.PositiveSmallIntegerField(default=ALL_WEEKDAYS)
    time_zone = models.CharField(max_length=64, validators=[validate_time_zone])
    channel = models.CharField(
        max_length=8, choices=ReminderChannel.choices, default=ReminderChannel.EMAIL
    )
    quiet_start = models.TimeField(null=True, blank=True)
    quiet_end = models.TimeField(null=True, blank=True)
    paused_until = models.DateTimeField(null=True, blank=True)
    unsubscribed_at = models.DateTimeField(null=True, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name_plural = "reminder settings"
        constraints = [
            models.CheckConstraint(
                condition=Q(weekdays__gte=0, weekdays__lte=ALL_WEEKDAYS),
                name="remindersettings_weekdays_bits",
            ),
            models.CheckConstraint(
                condition=Q(quiet_start__isnull=True, quiet_end__isnull=True)
                | Q(quiet_start__isnull=False, quiet_end__isnull=False),
                name="remindersettings_quiet_hours_pair",
            ),
        ]

    def __str__(self) -> str:
        return f"Reminder settings of {self.patient_id}"


class ReminderSchedule(models.Model):
    """One local time of one patient, with the UTC instant it is next due."""

    patient = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="reminder_schedules"
    )
    local_time = models.TimeField()
    time_zone = models.CharField(max_length=64, validators=[validate_time_zone])
    weekdays = models.PositiveSmallIntegerField(default=ALL_WEEKDAYS)
    next_local_date = models.DateField()
    next_due_at = models.DateTimeField()
    enabled = models.BooleanField(default=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["patient", "local_time"], name="reminderschedule_one_per_time"
            ),
            models.CheckConstraint(
                condition=Q(weekdays__gt=0, weekdays__lte=ALL_WEEKDAYS),
                name="reminderschedule_weekdays_bits",
            ),
        ]
        indexes = [
            models.Index(
                fields=["next_due_at"], condition=Q(enabled=True), name="reminderschedule_due_idx"
            )
        ]

    def __str__(self) -> str:
        return f"Reminder of {self.patient_id} at {self.local_time} {self.time_zone}"


class ReminderDelivery(models.Model):
    """One reminder for one (patient, slot instant). The unique constraint makes it happen once."""

    class Status(models.TextChoices):
        PENDING = "pending", "Waiting to be sent"
        SENT = "sent", "Sent"
        SKIPPED = "skipped", "Skipped"
        FAILED = "failed", "Could not be sent"

    class Reason(models.TextChoices):
        NONE = "", "—"
        SESSION_DONE = "session_done", "You had already done that day's exercises"
        NOTHING_DUE = "nothing_due", "No exercise was due that day"
        OFF = "off", "Reminders were turned off"
        UNSUBSCRIBED = "unsubscribed", "You unsubscribed"
        PAUSED = "paused", "Reminders were paused"
        NO_PLAN = "no_plan", "You had no active program"
        DISCHARGED = "discharged", "Your care had ended"
        QUIET_HOURS = "quiet_hours", "It was during your quiet hours"
        TOO_LATE = "too_late", "It was too late to be useful"
        NO_PHONE = "no_phone", "No phone number for text messages"
        PROVIDER_ERROR = "provider_error", "The email or text service kept failing"

    # No index of its own: the unique (patient, slot_at) index serves every lookup by patient,
    # the log's newest-first page included, and each index is paid for on every insert.
    patient = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="reminder_deliveries",
        db_index=False,
    )
    # No link to the schedule row: the patient and local time name it, and a foreign key cost
    # every insert of the sweep an index entry and a referential check.
    slot_at = models.DateTimeField(help_text="The instant the reminder was due (UTC).")
    local_date = models.DateField()
    local_time = models.TimeField()
    status = models.CharField(max_length=8, choices=Status.choices, default=Status.PENDING)
    reason = models.CharField(max_length=16, choices=Reason.choices, blank=True, default="")
    channel = models.CharField(max_length=8, choices=ReminderChannel.choices, blank=True)
    attempts = models.PositiveSmallIntegerField(default=0)
    last_error = models.CharField(max_length=300, blank=True, default="")
    email_sent_at = models.DateTimeField(null=True, blank=True)
    sms_sent_at = models.DateTimeField(null=True, blank=True)
    push_sent_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    enqueued_at = models.DateTimeField(default=timezone.now)
    finished_at = models.DateTimeField(null=True, blank=True)
    # Which send task holds the delivery while it is pending (docs/reminders.md, "Exactly
    # once"): a random number the task also holds as a PostgreSQL advisory lock for as long as
    # it runs, so a claim whose holder died is free again at once.
    claim_token = models.BigIntegerField(null=True, blank=True, editable=False)
    claimed_at = models.DateTimeField(null=True, blank=True, editable=False)

    class Meta:
        verbose_name_plural = "reminder deliveries"
        constraints = [
            models.UniqueConstraint(
                fields=["patient", "slot_at"], name="reminderdelivery_once_per_slot"
            ),
            models.CheckConstraint(
                condition=Q(status__in=["pending", "sent", "skipped", "failed"]),
                name="reminderdelivery_status_valid",
            ),
        ]
        indexes = [
            models.Index(
                fields=["enqueued_at"],
                condition=Q(status="pending"),
                name="reminderdelivery_pending_idx",
            ),
        ]

    def __str__(self) -> str:
        return f"Reminder {self.pk} of {self.patient_id} at {self.slot_at:%Y-%m-%d %H:%M}Z"


class PushSubscription(models.Model):
    """One browser or phone that asked for Web Push reminders (the PushSubscription a browser
    gives: the push service's endpoint and the keys its messages are encrypted to)."""

    patient = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="push_subscriptions"
    )
    endpoint = models.URLField(max_length=1000, unique=True)
    p256dh = models.CharField(max_length=200, help_text="The browser's P-256 key (base64url).")
    auth = models.CharField(max_length=100, help_text="The browser's auth secret (base64url).")
    device_label = models.CharField(max_length=100, blank=True, default="")
    created_at = models.DateTimeField(default=timezone.now)
    last_success_at = models.DateTimeField(null=True, blank=True)
    failure_count = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["created_at", "pk"]
        indexes = [models.Index(fields=["patient"], name="pushsubscription_patient_idx")]

    def __str__(self) -> str:
        return f"Push subscription {self.pk} of {self.patient_id}"
