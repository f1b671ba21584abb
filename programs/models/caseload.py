"""The caseload summary: one row per patient, kept by the services."""

from django.conf import settings
from django.db import models
from django.utils import timezone


class PatientSummary(models.Model):
    """One precomputed caseload row per patient, kept current by the alert task, so the
    caseload page reads a join instead of aggregating a year of sessions per patient."""

    patient = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        primary_key=True,
        on_delete=models.CASCADE,
        related_name="care_summary",
    )
    computed_at = models.DateTimeField(default=timezone.now)
    local_date = models.DateField(help_text="The patient's day the figures were computed for.")
    first_activity_on = models.DateField(null=True, blank=True)
    last_activity_on = models.DateField(null=True, blank=True)
    week_completed = models.PositiveIntegerField(default=0)
    week_prescribed = models.PositiveIntegerField(default=0)
    adherence_week_percent = models.PositiveSmallIntegerField(null=True, blank=True)
    baseline_pain = models.DecimalField(max_digits=3, decimal_places=1, null=True, blank=True)
    recent_pain = models.DecimalField(max_digits=3, decimal_places=1, null=True, blank=True)
    previous_pain = models.DecimalField(max_digits=3, decimal_places=1, null=True, blank=True)
    latest_pain = models.PositiveSmallIntegerField(null=True, blank=True)

    class Meta:
        indexes = [models.Index(fields=["last_activity_on"], name="summary_last_activity")]

    def __str__(self) -> str:
        return f"Summary of {self.patient_id}"
