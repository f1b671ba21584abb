"""The signed enrolment link: made for a covered roster entry, read back when it is followed."""

from django.conf import settings
from django.core import signing
from django.http import Http404
from django.urls import reverse
from django.utils import timezone

from accounts.models import Invitation, RosterEntry, User
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
