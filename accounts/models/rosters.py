"""Eligibility rosters: the entries in force, the imports that change them, rejected rows."""

from datetime import date

from django.db import models
from django.db.models import Q
from django.utils import timezone

from accounts.models.eligibility import Sponsor
from accounts.models.people import User


class RosterEntry(models.Model):
    """One covered person on a sponsor's roster. Entries are ended, never deleted."""

    class Relationship(models.TextChoices):
        EMPLOYEE = "employee", "Employee or member"
        SPOUSE = "spouse", "Spouse or partner"
        CHILD = "child", "Child"
        OTHER = "other", "Other dependant"

    # No index of its own: the (sponsor, member_id) unique index serves every sponsor lookup,
    # and each index is paid for on every row a roster import writes.
    # No declared foreign key either: PostgreSQL checks one row at a time, a third of a
    # million-row import. Migration 0013's triggers keep the same guarantee: a row for a
    # sponsor that does not exist is refused at commit, and so is deleting a sponsor that has
    # rows; only the import's own rows skip the check, for the sponsor it holds locked
    # (accounts.services.rosters._apply_and_record).
    sponsor = models.ForeignKey(
        Sponsor,
        on_delete=models.PROTECT,
        related_name="roster",
        db_index=False,
        db_constraint=False,
    )
    member_id = models.CharField(max_length=64)
    first_name = models.CharField(max_length=150)
    last_name = models.CharField(max_length=150)
    first_name_norm = models.CharField(max_length=150, editable=False)
    last_name_norm = models.CharField(max_length=150, editable=False)
    date_of_birth = models.DateField()
    email = models.CharField(max_length=254, blank=True)
    postal_code = models.CharField(max_length=16, blank=True)
    relationship = models.CharField(
        max_length=16, choices=Relationship.choices, default=Relationship.EMPLOYEE
    )
    coverage_start = models.DateField()
    coverage_end = models.DateField(null=True, blank=True)
    # Set when a later roster file no longer listed the person; cleared if they come back.
    ended_on = models.DateField(null=True, blank=True)
    # Checked by a trigger (migration 0014) that skips the NULL of every row an import adds:
    # a declared foreign key queued a check for each of them, to find nothing to check.
    ended_by_import = models.ForeignKey(
        "RosterImport",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        db_index=False,  # only read through the entry; imports are never deleted
        db_constraint=False,
    )
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name_plural = "roster entries"
        constraints = [
            models.UniqueConstraint(
                fields=["sponsor", "member_id"], name="accounts_roster_member_unique"
            ),
            models.CheckConstraint(
                condition=Q(coverage_end__isnull=True)
                | Q(coverage_end__gte=models.F("coverage_start")),
                name="accounts_roster_coverage_order",
            ),
        ]
        indexes = [
            # The eligibility check looks people up by sponsor and date of birth.
            models.Index(fields=["sponsor", "date_of_birth"], name="accounts_roster_dob_idx"),
            models.Index(fields=["sponsor", "last_name_norm"], name="accounts_roster_name_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.first_name} {self.last_name} ({self.member_id})"

    def is_covered_on(self, day: date) -> bool:
        return (
            self.ended_on is None
            and self.coverage_start <= day
            and (self.coverage_end is None or self.coverage_end >= day)
        )

    @property
    def coverage_status(self) -> str:
        today = timezone.localdate()
        if self.ended_on is not None or (self.coverage_end and self.coverage_end < today):
            return "ended"
        if self.coverage_start > today:
            return "starts later"
        return "active"


class RosterImport(models.Model):
    """One roster file and what became of it."""

    class Status(models.TextChoices):
        PENDING = "pending", "Waiting to be processed"
        PROCESSING = "processing", "Processing"
        AWAITING_CONFIRMATION = "awaiting_confirmation", "Waiting for your confirmation"
        CONFIRMED = "confirmed", "Confirmed, being applied"
        APPLIED = "applied", "Applied"
        FAILED = "failed", "Not applied: the file has problems"
        CANCELLED = "cancelled", "Cancelled"

    class Source(models.TextChoices):
        UPLOAD = "upload", "Upload"
        API = "api", "API"
        COMMAND = "command", "Command line"

    sponsor = models.ForeignKey(Sponsor, on_delete=models.PROTECT, related_name="roster_imports")
    uploaded_by = models.ForeignKey(
        User, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    source = models.CharField(max_length=16, choices=Source.choices, default=Source.UPLOAD)
    file = models.FileField(upload_to="rosters/%Y/%m/")
    original_name = models.CharField(max_length=255)
    size_bytes = models.BigIntegerField(default=0)
    status = models.CharField(max_length=32, choices=Status.choices, default=Status.PENDING)
    error = models.TextField(blank=True)
    rows_total = models.PositiveIntegerField(default=0)
    added = models.PositiveIntegerField(default=0)
    updated = models.PositiveIntegerField(default=0)
    ended = models.PositiveIntegerField(default=0)
    unchanged = models.PositiveIntegerField(default=0)
    rejected = models.PositiveIntegerField(default=0)
    confirmed_by = models.ForeignKey(
        User, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["sponsor", "-created_at"], name="accounts_import_hist_idx")]

    def __str__(self) -> str:
        return f"Roster import {self.pk} for sponsor {self.sponsor_id}"

    @property
    def staging_table(self) -> str:
        return f"accounts_roster_staging_{int(self.pk)}"


class RosterImportRejection(models.Model):
    roster_import = models.ForeignKey(
        RosterImport, on_delete=models.CASCADE, related_name="rejections"
    )
    row_number = models.PositiveIntegerField(help_text="Line in the file; the header is line 1.")
    column = models.CharField(max_length=32, blank=True)
    reason = models.CharField(max_length=255)

    class Meta:
        ordering = ["row_number", "id"]

    def __str__(self) -> str:
        return f"Row {self.row_number}: {self.reason}"
