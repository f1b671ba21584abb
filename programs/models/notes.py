"""SOAP progress notes and their versions."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone


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
