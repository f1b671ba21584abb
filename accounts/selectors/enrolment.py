"""The signed enrolment link: made for a covered roster entry, read back when it is followed."""

from django.conf import settings
from django.core import signing
from django.core.cache import cache
from django.http import Http404
from django.urls import reverse
from django.utils import timezone

from accounts.models import Invitation, RosterEntry, User
from therapy.errors import ApplicationError

ENROLMENT_SALT = "accounts.enrolment"
ENROLMENT_CONFIRM_SALT = "accounts.enrolment.confirm"
# Step one of enrolling keeps the form here (with the password's hash only) until the link
# emailed to the address is followed (accounts.services.enrolment.enrolment_request).
ENROLMENT_PENDING_PREFIX = "enrol-pending:"


def enrolment_pending_key(pending_id: str) -> str:
    return f"{ENROLMENT_PENDING_PREFIX}{pending_id}"


def enrolment_pending_get(*, pending_id: str) -> dict | None:
    """What step one kept for `pending_id`, or None once used or expired."""
    return cache.get(enrolment_pending_key(pending_id))


def enrolment_confirm_url_for(pending_id: str) -> str:
    """The link that finishes an enrolment; made in the worker, so it never crosses the broker
    (only the pending id does, which is worth nothing without this signature)."""
    token = signing.dumps({"pending": pending_id}, salt=ENROLMENT_CONFIRM_SALT)
    return reverse("eligibility:enrol-confirm", args=[token])


def enrolment_pending_id_from_token(token: str) -> str:
    """The pending id of a confirmation link; ApplicationError when the link is not valid,
    expired, or already used."""
    try:
        data = signing.loads(
            token, salt=ENROLMENT_CONFIRM_SALT, max_age=settings.ENROLMENT_CONFIRM_MAX_AGE_SECONDS
        )
    except signing.BadSignature as exc:
        raise ApplicationError(ENROLMENT_CONFIRM_INVALID) from exc
    pending_id = str(data.get("pending", ""))
    if not pending_id or enrolment_pending_get(pending_id=pending_id) is None:
        raise ApplicationError(ENROLMENT_CONFIRM_INVALID)
    return pending_id


ENROLMENT_CONFIRM_INVALID = (
    "This link is not valid, has expired or was already used. If you already finished, log "
    "in; otherwise open your enrolment link again."
)


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


INVITATION_SALT = "accounts.invitation"


def invitation_token_for(invitation: Invitation) -> str:
    return signing.dumps({"invitation": invitation.pk}, salt=INVITATION_SALT)


def invitation_url_for(invitation: Invitation) -> str:
    return f"{reverse('accounts:signup')}?invitation={invitation_token_for(invitation)}"


def invitation_from_token(token: str) -> Invitation:
    """The open invitation a link was made for; ApplicationError when it is not valid, has
    expired or was used."""
    invalid = ApplicationError(
        "This invitation link is not valid, has expired or was already used. Ask your clinic "
        "for a new one, or check your coverage.",
        errors={"invitation": ["Not valid, expired or already used."]},
    )
    try:
        data = signing.loads(
            token or "", salt=INVITATION_SALT, max_age=settings.INVITATION_MAX_AGE_SECONDS
        )
    except signing.BadSignature as exc:
        raise invalid from exc
    invitation = (
        Invitation.objects.select_related("therapist__therapist_profile")
        .filter(pk=data.get("invitation"), accepted_at__isnull=True, expires_at__gt=timezone.now())
        .first()
    )
    if invitation is None:
        raise invalid
    return invitation


def invitations_sent_by(*, user: User) -> list[Invitation]:
    """The invitations a PT sent, or every invitation for staff; 404 for anyone else."""
    if not (user.is_therapist or user.is_operations_staff):
        raise Http404("No such page.")
    invitations = Invitation.objects.select_related("invited_by", "therapist")
    if user.is_therapist:
        invitations = invitations.filter(invited_by=user)
    return list(invitations[:200])
