"""The employer portal: its admins, and the activity rollups behind the dashboard.

The rollups are kept current a day at a time by a Celery task (accounts.services.employer), so
the dashboard never reads the raw sessions and completions.
"""

from django.db import models
from django.utils import timezone

from accounts.models.eligibility import Sponsor
from accounts.models.people import User


class EmployerAdminProfile(models.Model):
    user = models.OneToOneField(User, on_delete=models.CASCADE, related_name="employer_profile")
    sponsor = models.ForeignKey(Sponsor, on_delete=models.PROTECT, related_name="admins")

    def __str__(self) -> str:
        return f"Admin of {self.sponsor_id}"


class ActivityRollupDay(models.Model):
    """A patient-local day whose activity is in the rollups; claimed once, never counted twice."""

    day = models.DateField(unique=True)
    rolled_at = models.DateTimeField(default=timezone.now)

    def __str__(self) -> str:
        return f"Rolled up {self.day}"


class MemberActivityMonth(models.Model):
    patient = models.ForeignKey(User, on_delete=models.CASCADE, related_name="+")
    sponsor = models.ForeignKey(Sponsor, on_delete=models.CASCADE, related_name="+")
    month = models.DateField(help_text="The first day of the month.")
    sessions = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["patient", "month"], name="accounts_activity_month_uniq"
            )
        ]
        indexes = [models.Index(fields=["sponsor", "month"], name="accounts_activity_sp_month")]

    def __str__(self) -> str:
        return f"{self.patient_id} in {self.month:%Y-%m}: {self.sessions} sessions"


class MemberPainTrend(models.Model):
    """Pain on a member's first and latest day with pain reports, as sums and counts (exact)."""

    patient = models.OneToOneField(User, on_delete=models.CASCADE, related_name="+")
    sponsor = models.ForeignKey(Sponsor, on_delete=models.CASCADE, related_name="+")
    first_day = models.DateField()
    first_pain_sum = models.PositiveIntegerField()
    first_pain_count = models.PositiveIntegerField()
    last_day = models.DateField()
    last_pain_sum = models.PositiveIntegerField()
    last_pain_count = models.PositiveIntegerField()

    class Meta:
        indexes = [models.Index(fields=["sponsor"], name="accounts_pain_trend_sponsor")]

    def __str__(self) -> str:
        return f"Pain trend of {self.patient_id}"


class EmployerPeriodFigures(models.Model):
    """A sponsor's dashboard figures for one closed month, written once and never changed.

    The employer sees these and nothing computed live, so editing today's roster (removing or
    adding one person, then looking again) moves no figure: the differencing attack of issue 13.
    One row per relationship filter ("" for everyone covered).
    """

    sponsor = models.ForeignKey(Sponsor, on_delete=models.CASCADE, related_name="+")
    month = models.DateField(help_text="The first day of the closed month.")
    relationship = models.CharField(max_length=16, blank=True)
    covered = models.PositiveIntegerField()
    enrolled = models.PositiveIntegerField()
    active_members = models.PositiveIntegerField()
    sessions = models.PositiveIntegerField()
    pain_members = models.PositiveIntegerField()
    pain_change = models.FloatField(null=True, blank=True)
    closed_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name_plural = "employer period figures"
        constraints = [
            models.UniqueConstraint(
                fields=["sponsor", "month", "relationship"], name="accounts_period_figures_uniq"
            )
        ]

    def __str__(self) -> str:
        return f"{self.sponsor_id} {self.month:%Y-%m} {self.relationship or 'all'}"
