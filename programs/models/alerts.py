"""Clinical alerts for the care team."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone


class Alert(models.Model):
    """Something a PT should look at. Never deleted; it stays open until a PT acknowledges it."""

    class Kind(models.TextChoices):
        PAIN_UP = "pain_up", "Pain up"
        INACTIVE = "inactive", "No activity"
        RED_FLAG = "red_flag", "Red flag"
        TOO_HARD = "too_hard", "Exercises too hard"
        PAIN_HIGH = "pain_high", "High pain"
        NRS_WORSE = "nrs_worse", "Pain check-in worse"
        ODI_WORSE = "odi_worse", "Oswestry (ODI) worse"

    class Severity(models.TextChoices):
        URGENT = "urgent", "Urgent"
        ROUTINE = "routine", "Routine"

    patient = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="alerts"
    )
    therapist = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        help_text="The primary PT when the alert opened.",
    )
    kind = models.CharField(max_length=12, choices=Kind.choices)
    severity = models.CharField(max_length=8, choices=Severity.choices)
    opened_at = models.DateTimeField(default=timezone.now)
    details = models.JSONField(
        default=dict,
        blank=True,
        help_text="The rule, its threshold and the numbers it read (inputs); never free text.",
    )
    acknowledged_at = models.DateTimeField(null=True, blank=True)
    acknowledged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    acknowledgement_note = models.CharField(max_length=500, blank=True)
    therapist_notified_at = models.DateTimeField(null=True, blank=True)
    # No PT owns the patient yet, or an urgent alert waited too long: the staff care-coordination
    # queue is told (programs.notifications.alert_staff_email_send), once each.
    staff_notified_at = models.DateTimeField(null=True, blank=True)
    escalated_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-opened_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["patient", "kind"],
                condition=Q(acknowledged_at__isnull=True),
                name="alert_one_open_per_patient_kind",
            ),
            models.CheckConstraint(
                condition=Q(acknowledged_at__isnull=True)
                | (Q(acknowledged_by__isnull=False) & ~Q(acknowledgement_note="")),
                name="alert_acknowledged_with_note",
            ),
        ]
        indexes = [
            models.Index(
                fields=["patient"],
                condition=Q(acknowledged_at__isnull=True),
                name="alert_open_by_patient",
            )
        ]

    def __str__(self) -> str:
        return f"{self.kind} alert for {self.patient_id}"

    @property
    def is_open(self) -> bool:
        return self.acknowledged_at is None

    def delete(self, *args: object, **kwargs: object) -> tuple[int, dict[str, int]]:
        raise RuntimeError("Alerts are part of the clinical record and are never deleted.")
