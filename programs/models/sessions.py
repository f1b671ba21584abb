"""What the patient did: exercise sessions, their completions and how hard they felt."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone


class Difficulty(models.IntegerChoices):
    GENTLE = 1, "Gentle"
    MODERATE = 2, "Moderate"
    CHALLENGING = 3, "Challenging"


class ExerciseSession(models.Model):
    """One patient's exercise on one local day (their own time zone)."""

    patient = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="exercise_sessions"
    )
    plan_version = models.ForeignKey(
        "programs.PlanVersion", on_delete=models.PROTECT, related_name="+"
    )
    local_date = models.DateField()
    started_at = models.DateTimeField(default=timezone.now)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-local_date"]
        constraints = [
            models.UniqueConstraint(fields=["patient", "local_date"], name="session_one_per_day")
        ]
        indexes = [models.Index(fields=["patient", "-local_date"], name="session_patient_day")]

    def __str__(self) -> str:
        return f"Session of {self.patient_id} on {self.local_date}"


class Completion(models.Model):
    class Feel(models.TextChoices):
        TOO_EASY = "too_easy", "Too easy"
        ABOUT_RIGHT = "about_right", "About right"
        TOO_HARD = "too_hard", "Too hard"

    session = models.ForeignKey(
        ExerciseSession, on_delete=models.CASCADE, related_name="completions"
    )
    plan_item = models.ForeignKey(
        "programs.PlanItem", on_delete=models.PROTECT, related_name="completions"
    )
    exercise = models.ForeignKey("programs.Exercise", on_delete=models.PROTECT, related_name="+")
    pain = models.PositiveSmallIntegerField(help_text="0 = no pain, 10 = worst imaginable.")
    difficulty = models.CharField(max_length=12, choices=Feel.choices)
    completed_at = models.DateTimeField(default=timezone.now)
    # Made by the browser (crypto.randomUUID) for a completion recorded offline and sent later:
    # a resend with the same id is the same completion. Unique within one patient; the service
    # serialises each patient's sends and looks the id up among that patient's completions only.
    client_id = models.UUIDField(null=True, blank=True)

    class Meta:
        ordering = ["completed_at"]
        constraints = [
            models.UniqueConstraint(fields=["session", "exercise"], name="completion_once_per_day"),
            models.UniqueConstraint(
                fields=["session", "client_id"],
                condition=Q(client_id__isnull=False),
                name="completion_client_id_once",
            ),
            models.CheckConstraint(
                condition=Q(pain__gte=0, pain__lte=10), name="completion_pain_0_10"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.exercise_id} done in session {self.session_id}"
