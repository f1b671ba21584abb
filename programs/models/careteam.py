"""The care team's records: alerts, outcome measures, progress notes and the caseload summary."""

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
        default=dict, blank=True, help_text="Numbers behind the rule, never free text."
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


class ProgressNote(models.Model):
    """A SOAP note. A signed note is locked (a database trigger refuses changes);
    corrections are addenda, which are notes of their own pointing at the original."""

    class Status(models.TextChoices):
        DRAFT = "draft", "Draft"
        SIGNED = "signed", "Signed"

    patient = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="progress_notes"
    )
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    amends = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="addenda",
        help_text="Set on an addendum: the signed note it corrects.",
    )
    period_start = models.DateField()
    period_end = models.DateField()
    subjective = models.TextField(blank=True)
    objective = models.TextField(blank=True)
    assessment = models.TextField(blank=True)
    plan = models.TextField(blank=True)
    body = models.TextField(blank=True, help_text="An addendum's correction.")
    status = models.CharField(max_length=8, choices=Status.choices, default=Status.DRAFT)
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)
    signed_at = models.DateTimeField(null=True, blank=True)
    signed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.CheckConstraint(
                condition=(
                    Q(status="draft", signed_at__isnull=True, signed_by__isnull=True)
                    | Q(status="signed", signed_at__isnull=False, signed_by__isnull=False)
                ),
                name="note_signed_has_signer",
            ),
            models.CheckConstraint(
                condition=Q(period_start__lte=models.F("period_end")), name="note_period_order"
            ),
        ]

    def __str__(self) -> str:
        return f"Note {self.pk} for {self.patient_id} ({self.status})"

    @property
    def is_signed(self) -> bool:
        return self.status == self.Status.SIGNED

    @property
    def is_addendum(self) -> bool:
        return self.amends_id is not None


class ProgressNoteVersion(models.Model):
    """Every saved state of a note, with who saved it and when. Append-only (trigger)."""

    note = models.ForeignKey(ProgressNote, on_delete=models.PROTECT, related_name="versions")
    number = models.PositiveIntegerField()
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    saved_at = models.DateTimeField(default=timezone.now)
    status = models.CharField(max_length=8, choices=ProgressNote.Status.choices)
    subjective = models.TextField(blank=True)
    objective = models.TextField(blank=True)
    assessment = models.TextField(blank=True)
    plan = models.TextField(blank=True)
    body = models.TextField(blank=True)

    class Meta:
        ordering = ["note", "number"]
        constraints = [
            models.UniqueConstraint(fields=["note", "number"], name="noteversion_unique_number")
        ]

    def __str__(self) -> str:
        return f"Note {self.note_id} v{self.number}"


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
