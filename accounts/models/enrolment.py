from django.db import models
from django.utils import timezone

from accounts.models.people import User
from accounts.models.rosters import RosterEntry


class Enrolment(models.Model):
    """A patient account linked to the roster entry that pays for it.

    Kept apart from RosterEntry on purpose: nothing an employer admin reads joins this table
    except the aggregate dashboard, which suppresses small cells.
    """

    user = models.OneToOneField(User, on_delete=models.CASCADE, related_name="enrolment")
    roster_entry = models.OneToOneField(
        RosterEntry, on_delete=models.PROTECT, related_name="enrolment"
    )
    enrolled_at = models.DateTimeField(default=timezone.now)

    def __str__(self) -> str:
        return f"Enrolment of {self.user_id}"


class Invitation(models.Model):
    """A clinic's or PT's invitation to join without a coverage check: a signed, expiring link
    sent by email. Accepting it creates the patient with the inviting PT (if licensed in the
    patient's state) as their primary PT; it can be used once."""

    email = models.EmailField()
    first_name = models.CharField(max_length=150)
    last_name = models.CharField(max_length=150)
    invited_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    therapist = models.ForeignKey(
        User,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        help_text="The PT the patient will have; empty when staff invited (a PT is picked by "
        "state).",
    )
    created_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField()
    emailed_at = models.DateTimeField(null=True, blank=True)
    accepted_at = models.DateTimeField(null=True, blank=True)
    accepted_user = models.OneToOneField(
        User, null=True, blank=True, on_delete=models.SET_NULL, related_name="invitation"
    )

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"Invitation {self.pk}"
