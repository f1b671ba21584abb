"""Sponsors and the "Do I qualify?" checks and the staff review of near matches."""

from django.db import models
from django.db.models import Q
from django.utils import timezone

from accounts.models.people import User


class Sponsor(models.Model):
    """An employer or health plan that pays for people's care."""

    class Kind(models.TextChoices):
        EMPLOYER = "employer", "Employer"
        HEALTH_PLAN = "health_plan", "Health plan"

    name = models.CharField(max_length=200)
    slug = models.SlugField(max_length=80, unique=True)
    kind = models.CharField(max_length=20, choices=Kind.choices, default=Kind.EMPLOYER)
    # What a person must give, beyond name and date of birth, to be matched to the roster.
    requires_member_id = models.BooleanField(
        default=False, help_text="Health plans always require the member ID."
    )
    requires_work_email = models.BooleanField(default=False)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=~Q(kind="health_plan") | Q(requires_member_id=True),
                name="accounts_health_plan_requires_member_id",
            )
        ]

    def __str__(self) -> str:
        return self.name


class EligibilityCheck(models.Model):
    """That a check happened and what it answered. What the person typed is not kept."""

    class Result(models.TextChoices):
        COVERED = "covered", "Covered"
        NOT_FOUND = "not_found", "Not found"
        NEEDS_REVIEW = "needs_review", "Needs review"

    sponsor = models.ForeignKey(Sponsor, on_delete=models.PROTECT, related_name="+")
    result = models.CharField(max_length=16, choices=Result.choices)
    roster_entry = models.ForeignKey(
        "accounts.RosterEntry", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        indexes = [models.Index(fields=["sponsor", "created_at"], name="accounts_check_time_idx")]

    def __str__(self) -> str:
        return f"Eligibility check {self.pk}: {self.result}"


class EligibilityReview(models.Model):
    """A near match that staff look at. Keeps what staff need to decide and to reply."""

    class Reason(models.TextChoices):
        SWAPPED_NAMES = "swapped_names", "First and last name swapped"
        NICKNAME = "nickname", "A nickname for the first name"
        TYPO_IN_FIRST_NAME = "typo_in_first_name", "A typo in the first name"
        TYPO_IN_LAST_NAME = "typo_in_last_name", "A typo in the last name"
        # Name and date of birth matched, but the sponsor checks no member ID and the roster
        # has no email to send the link to: staff confirm who this is first.
        NO_SECOND_FACTOR = "no_second_factor", "Name and date of birth only: confirm the person"

    class Status(models.TextChoices):
        PENDING = "pending", "Waiting for review"
        APPROVED = "approved", "Approved"
        REJECTED = "rejected", "Rejected"

    check_record = models.OneToOneField(
        EligibilityCheck, on_delete=models.CASCADE, related_name="review"
    )
    roster_entry = models.ForeignKey(
        "accounts.RosterEntry", on_delete=models.CASCADE, related_name="+"
    )
    reason = models.CharField(max_length=32, choices=Reason.choices)
    entered_first_name = models.CharField(max_length=150)
    entered_last_name = models.CharField(max_length=150)
    email = models.EmailField()
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.PENDING)
    decided_by = models.ForeignKey(
        User, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    emailed_at = models.DateTimeField(null=True, blank=True, editable=False)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["created_at", "id"]
        indexes = [
            models.Index(
                fields=["created_at"],
                condition=Q(status="pending"),
                name="accounts_review_pending_idx",
            )
        ]

    def __str__(self) -> str:
        return f"Eligibility review {self.pk} ({self.status})"
