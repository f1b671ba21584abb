"""Video visits: a PT's weekly availability, booked visits and their reminders."""

from django.conf import settings
from django.db import models
from django.db.models import F, Q

VISIT_MINUTES_CHOICES = [
    (15, "15 minutes"),
    (20, "20 minutes"),
    (30, "30 minutes"),
    (45, "45 minutes"),
    (60, "60 minutes"),
]


class Weekday(models.IntegerChoices):
    MONDAY = 0, "Monday"
    TUESDAY = 1, "Tuesday"
    WEDNESDAY = 2, "Wednesday"
    THURSDAY = 3, "Thursday"
    FRIDAY = 4, "Friday"
    SATURDAY = 5, "Saturday"
    SUNDAY = 6, "Sunday"


class VisitSchedule(models.Model):
    """A PT's visit length; their weekly windows hang off it. Times are in the PT's own zone."""

    therapist = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="visit_schedule"
    )
    visit_minutes = models.PositiveSmallIntegerField(default=30, choices=VISIT_MINUTES_CHOICES)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=Q(visit_minutes__gte=10, visit_minutes__lte=120),
                name="programs_visit_minutes_range",
            )
        ]

    def __str__(self) -> str:
        return f"Visit schedule of {self.therapist_id}"


class AvailabilityWindow(models.Model):
    """A weekly recurring window, e.g. Mondays 09:00-12:00 in the PT's time zone."""

    schedule = models.ForeignKey(VisitSchedule, on_delete=models.CASCADE, related_name="windows")
    weekday = models.PositiveSmallIntegerField(choices=Weekday.choices)
    starts_at = models.TimeField()
    ends_at = models.TimeField()

    class Meta:
        ordering = ["weekday", "starts_at"]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_at__gt=F("starts_at")), name="programs_window_ends_after_start"
            ),
            models.CheckConstraint(
                condition=Q(weekday__gte=0, weekday__lte=6), name="programs_window_weekday_valid"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_weekday_display()} {self.starts_at:%H:%M}-{self.ends_at:%H:%M}"


class Visit(models.Model):
    """A booked video visit. Rescheduling makes a new visit and marks the old one so."""

    class Status(models.TextChoices):
        BOOKED = "booked", "Booked"
        CANCELLED = "cancelled", "Cancelled"
        RESCHEDULED = "rescheduled", "Rescheduled"
        COMPLETED = "completed", "Completed"

    patient = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="visits"
    )
    therapist = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="therapist_visits"
    )
    starts_at = models.DateTimeField()
    ends_at = models.DateTimeField()
    status = models.CharField(max_length=12, choices=Status.choices, default=Status.BOOKED)
    room_name = models.CharField(max_length=64, unique=True)
    booked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    rescheduled_from = models.OneToOneField(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="rescheduled_to"
    )
    cancelled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    cancelled_at = models.DateTimeField(null=True, blank=True)
    completed_at = models.DateTimeField(null=True, blank=True)
    # When each participant was sent the booking's / the cancellation's invitation: once each.
    patient_booking_notice_sent_at = models.DateTimeField(null=True, blank=True)
    patient_cancel_notice_sent_at = models.DateTimeField(null=True, blank=True)
    therapist_booking_notice_sent_at = models.DateTimeField(null=True, blank=True)
    therapist_cancel_notice_sent_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["starts_at"]
        constraints = [
            # No double booking: one live visit per PT and per patient at a given start.
            models.UniqueConstraint(
                fields=["therapist", "starts_at"],
                condition=Q(status="booked"),
                name="programs_visit_therapist_slot_unique",
            ),
            models.UniqueConstraint(
                fields=["patient", "starts_at"],
                condition=Q(status="booked"),
                name="programs_visit_patient_slot_unique",
            ),
            models.CheckConstraint(
                condition=Q(ends_at__gt=F("starts_at")), name="programs_visit_ends_after_start"
            ),
            models.CheckConstraint(
                condition=Q(status__in=["booked", "cancelled", "rescheduled", "completed"]),
                name="programs_visit_status_valid",
            ),
        ]
        indexes = [models.Index(fields=["therapist", "starts_at"], name="programs_visit_pt_idx")]

    def __str__(self) -> str:
        return f"Visit {self.pk} at {self.starts_at:%Y-%m-%d %H:%M}Z"

    @property
    def join_url(self) -> str:
        return f"{settings.VIDEO_PROVIDER_BASE_URL.rstrip('/')}/{self.room_name}"


class VisitReminder(models.Model):
    """One reminder email to one participant; made at booking, claimed once by the sweep."""

    class Lead(models.TextChoices):
        DAY = "24h", "24 hours before"
        HOUR = "1h", "1 hour before"

    visit = models.ForeignKey(Visit, on_delete=models.CASCADE, related_name="reminders")
    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+"
    )
    lead = models.CharField(max_length=3, choices=Lead.choices)
    due_at = models.DateTimeField()
    claimed_at = models.DateTimeField(null=True, blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["visit", "recipient", "lead"], name="programs_one_reminder_per_lead"
            )
        ]
        indexes = [
            models.Index(
                fields=["due_at"],
                condition=Q(claimed_at__isnull=True),
                name="programs_reminder_pending_idx",
            )
        ]

    def __str__(self) -> str:
        return f"{self.lead} reminder of visit {self.visit_id} to {self.recipient_id}"
