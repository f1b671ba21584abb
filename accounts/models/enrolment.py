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
