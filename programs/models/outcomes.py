"""Outcome measures (NRS, ODI, PSFS) the patient answers."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone


class OutcomeResponse(models.Model):
    """One answered questionnaire: pain NRS, Oswestry Disability Index or PSFS."""

    class Measure(models.TextChoices):
        NRS = "nrs", "Pain check-in (0-10)"
        ODI = "odi", "Oswestry Disability Index"
        PSFS = "psfs", "Patient-Specific Functional Scale"

    patient = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="outcome_responses"
    )
    measure = models.CharField(max_length=4, choices=Measure.choices)
    answered_at = models.DateTimeField(default=timezone.now)
    local_date = models.DateField(help_text="The patient's own day when they answered.")
    score = models.DecimalField(max_digits=5, decimal_places=1)
    answers = models.JSONField(help_text="The raw answers, as the scoring function read them.")

    class Meta:
        ordering = ["answered_at"]
        constraints = [
            models.CheckConstraint(
                condition=(
                    Q(measure="nrs", score__gte=0, score__lte=10)
                    | Q(measure="odi", score__gte=0, score__lte=100)
                    | Q(measure="psfs", score__gte=0, score__lte=10)
                ),
                name="outcome_score_range",
            ),
        ]
        indexes = [
            models.Index(fields=["patient", "measure", "-answered_at"], name="outcome_latest")
        ]

    def __str__(self) -> str:
        return f"{self.measure} {self.score} for {self.patient_id}"
