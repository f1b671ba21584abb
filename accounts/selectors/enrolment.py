"""The signed enrolment link: made for a covered roster entry, read back when it is followed."""

from django.conf import settings
from django.core import signing
from django.urls import reverse
from django.utils import timezone

from accounts.models import RosterEntry
from therapy.errors import ApplicationError

ENROLMENT_SALT = "accounts.enrolment"


def enrolment_token_for(entry: RosterEntry) -> str:
    return signing.dumps({"entry": entry.pk}, salt=ENROLMENT_SALT)


def enrolment_url_for(entry: RosterEntry) -> str:
    return reverse("eligibility:enrol", args=[enrolment_token_for(entry)])


def roster_entry_from_token(token: str) -> RosterEntry:
    """The roster entry an enrolment link was made for; ApplicationError when it is not valid."""
    try:
        data = signing.loads(
            token, salt=ENROLMENT_SALT, max_age=settings.ENROLMENT_LINK_MAX_AGE_SECONDS
        )
    except signing.BadSignature as exc:
        raise ApplicationError(
            "This link is not valid or has expired. Check your coverage again."
        ) from exc
    entry = RosterEntry.objects.select_related("sponsor").filter(pk=data.get("entry")).first()
    if entry is None or not entry.is_covered_on(timezone.localdate()):
        raise ApplicationError("This link is not valid or has expired. Check your coverage again.")
    return entry
