"""Progression suggestions: a rule's decision about one plan item, and what the PT did with it."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone


class ProgressionSuggestion(models.Model):
    """One advance or regress of one plan item, proposed by the rules (docs/progression.md).

    Kept forever with the numbers it was based on: the plan history shows every decision, who
    took it and the version it made. At most one per item, direction and plan version, so a
    check that runs twice proposes nothing twice."""

    class Direction(models.TextChoices):
        ADVANCE = "advance", "Advance"
        REGRESS = "regress", "Regress"

    class Status(models.TextChoices):
        PENDING = "pending", "Waiting for the PT"
        ACCEPTED = "accepted", "Accepted"
        EDITED = "edited", "Accepted with changes"
        DECLINED = "declined", "Declined"
        AUTO_APPLIED = "auto_applied", "Applied automatically"
        SUPERSEDED = "superseded", "Out of date (the plan changed)"

    patient = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="progression_suggestions"
    )
    plan = models.ForeignKey(
        "programs.Plan", on_delete=models.CASCADE, related_name="progression_suggestions"
    )
    based_on_version = models.ForeignKey(
        "programs.PlanVersion", on_delete=models.CASCADE, related_name="progression_suggestions"
    )
    exercise = models.ForeignKey("programs.Exercise", on_delete=models.PROTECT, related_name="+")
    direction = models.CharField(max_length=8, choices=Direction.choices)
    from_sets = models.PositiveSmallIntegerField()
    from_reps = models.PositiveSmallIntegerField(null=True, blank=True)
    from_hold_seconds = models.PositiveSmallIntegerField(null=True, blank=True)
    to_exercise = models.ForeignKey("programs.Exercise", on_delete=models.PROTECT, related_name="+")
    to_sets = models.PositiveSmallIntegerField()
    to_reps = models.PositiveSmallIntegerField(null=True, blank=True)
    to_hold_seconds = models.PositiveSmallIntegerField(null=True, blank=True)
    reason = models.CharField(max_length=500, help_text="The rule's numbers, for the PT.")
    patient_reason = models.CharField(max_length=300, help_text="The same, in the patient's words.")
    inputs = models.JSONField(default=dict, help_text="The figures the rule read, never free text.")
    status = models.CharField(max_length=12, choices=Status.choices, default=Status.PENDING)
    created_at = models.DateTimeField(default=timezone.now)
    decided_at = models.DateTimeField(null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        help_text="The PT who accepted, edited or declined; empty when applied automatically.",
    )
    applied_version = models.OneToOneField(
        "programs.PlanVersion",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="from_suggestion",
        help_text="The plan version the suggestion made.",
    )

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["based_on_version", "exercise", "direction"],
                name="progression_once_per_version_item_direction",
            ),
            models.UniqueConstraint(
                fields=["plan", "exercise"],
                condition=Q(status="pending"),
                name="progression_one_pending_per_item",
            ),
        ]
        indexes = [
            models.Index(
                fields=["patient"], condition=Q(status="pending"), name="progression_pending"
            )
        ]

    def __str__(self) -> str:
        return f"{self.direction} of {self.exercise_id} for {self.patient_id}"

    @property
    def is_pending(self) -> bool:
        return self.status == self.Status.PENDING


class ProgressionSettings(models.Model):
    """Per patient: may advances apply without the PT's click (never regressions, never past
    the ladder's bounds, never while a red flag or urgent alert is open)."""

    patient = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        primary_key=True,
        on_delete=models.CASCADE,
        related_name="progression_settings",
    )
    auto_apply_advances = models.BooleanField(default=False)
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    changed_at = models.DateTimeField(default=timezone.now)

    def __str__(self) -> str:
        return f"Progression settings of {self.patient_id}"
