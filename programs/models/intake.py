"""The intake questionnaire a new patient answers, and its red-flag safety screen.

The table kept its name from when the intake lived in accounts (accounts_intake).
"""

from django.db import models
from django.db.models import Q
from django.utils import timezone

from accounts.models.people import User

RED_FLAG_FIELDS = (
    "bladder_or_bowel_loss",
    "saddle_numbness",
    "fever_with_back_pain",
    "unexplained_weight_loss",
    "history_of_cancer",
    "recent_major_fall_or_injury",
    "progressive_leg_weakness",
)


class Intake(models.Model):
    """What a new patient tells us before their PT builds the program."""

    class Area(models.TextChoices):
        LOWER_BACK = "lower_back", "Lower back"
        FRONT_OF_HIP = "front_of_hip", "Front of the hip"
        GROIN = "groin", "Groin"
        BUTTOCK = "buttock", "Buttock"
        THIGH = "thigh", "Thigh"
        OTHER = "other", "Somewhere else"

    patient = models.ForeignKey(User, on_delete=models.CASCADE, related_name="intakes")
    pain_areas = models.JSONField(default=list, help_text="Where it hurts: Area values.")
    pain_now = models.PositiveSmallIntegerField(help_text="0 (none) to 10 (worst imaginable).")
    goals = models.TextField(blank=True)
    hard_activities = models.JSONField(default=list, help_text="Activities that are hard now.")
    bladder_or_bowel_loss = models.BooleanField("loss of bladder or bowel control", default=False)
    saddle_numbness = models.BooleanField("numbness in the groin or inner thighs", default=False)
    fever_with_back_pain = models.BooleanField("fever together with back pain", default=False)
    unexplained_weight_loss = models.BooleanField("weight loss you cannot explain", default=False)
    history_of_cancer = models.BooleanField("a history of cancer", default=False)
    recent_major_fall_or_injury = models.BooleanField(
        "a recent major fall or injury", default=False
    )
    progressive_leg_weakness = models.BooleanField(
        "leg weakness that is getting worse", default=False
    )
    has_red_flags = models.BooleanField(default=False, editable=False)
    submitted_at = models.DateTimeField(default=timezone.now)

    class Meta:
        db_table = "accounts_intake"
        ordering = ["-submitted_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(pain_now__gte=0, pain_now__lte=10), name="accounts_intake_pain_0_10"
            )
        ]

    def __str__(self) -> str:
        return f"Intake {self.pk} of patient {self.patient_id}"
