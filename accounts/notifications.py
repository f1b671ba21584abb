"""The one place in accounts that knows about email. Emails carry no health data."""

from collections.abc import Sequence
from email.message import MIMEPart

from django.conf import settings
from django.contrib.auth.tokens import default_token_generator
from django.core.mail import EmailMultiAlternatives
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

from accounts.models import CareTeamLink, EligibilityReview, Invitation, RosterEntry, User
from accounts.selectors.enrolment import (
    enrolment_confirm_url_for,
    enrolment_pending_get,
    enrolment_url_for,
    invitation_url_for,
)


def send_templated_email(
    *, to: str, template: str, context: dict, attachments: Sequence[MIMEPart] = ()
) -> None:
    """Render templates/<template>_subject.txt, _body.txt and _body.html and send them."""
    context = {"SITE_NAME": settings.SITE_NAME, **context}
    subject = " ".join(render_to_string(f"{template}_subject.txt", context, using="text").split())
    text = render_to_string(f"{template}_body.txt", context, using="text")
    html = render_to_string(f"{template}_body.html", context)
    message = EmailMultiAlternatives(subject, text, settings.DEFAULT_FROM_EMAIL, [to])
    message.attach_alternative(html, "text/html")
    for part in attachments:
        message.attach(part)
    message.send()


def welcome_email_send(*, user_id: int) -> bool:
    """Send the welcome email once. Returns False when it had already gone out."""
    with transaction.atomic():
        user = User.objects.select_for_update().filter(pk=user_id, is_active=True).first()
        if user is None or user.welcome_email_sent_at is not None:
            return False
        # Never promise a PT who has not been assigned: name the one there is, or say who
        # will find one.
        link = CareTeamLink.objects.filter(
            patient=user, is_primary=True, ended_at__isnull=True
        ).first()
        send_templated_email(
            to=user.email,
            template="accounts/people/email/welcome",
            context={
                "first_name": user.first_name,
                "base_url": settings.PUBLIC_BASE_URL,
                "has_therapist": link is not None,
            },
        )
        user.welcome_email_sent_at = timezone.now()
        user.save(update_fields=["welcome_email_sent_at"])
    return True


def signup_attempt_email_send(*, user_id: int) -> bool:
    """Tell the owner of an address that someone tried to create an account with it: sign-up
    answers the same for a taken address as for a new one, so this email is the only place
    that says the address already has an account."""
    user = User.objects.filter(pk=user_id, is_active=True).first()
    if user is None:
        return False
    base_url = settings.PUBLIC_BASE_URL.rstrip("/")
    send_templated_email(
        to=user.email,
        template="accounts/people/email/signup_attempt",
        context={
            "first_name": user.first_name,
            "login_url": base_url + reverse("accounts:login"),
            "reset_url": base_url + reverse("accounts:password_reset"),
        },
    )
    return True


def password_reset_email_send(*, user_id: int, base_url: str) -> bool:
    # The token is made here, in the worker, so it never travels through the broker.
    user = User.objects.filter(pk=user_id, is_active=True).first()
    if user is None or not user.has_usable_password():
        return False
    path = reverse(
        "accounts:password_reset_confirm",
        kwargs={
            "uidb64": urlsafe_base64_encode(force_bytes(user.pk)),
            "token": default_token_generator.make_token(user),
        },
    )
    reset_url = f"{base_url.rstrip('/')}{path}"
    if _mail_goes_to_the_log():
        # The console mailer writes the body into the worker's log, where anyone who reads
        # logs could take over the account with it.
        reset_url = "(link withheld: this server writes email to its log; set EMAIL_URL)"
    send_templated_email(
        to=user.email,
        template="accounts/people/email/password_reset",
        context={"first_name": user.first_name, "reset_url": reset_url},
    )
    return True


def _mail_goes_to_the_log() -> bool:
    backend = settings.MAILERS.get("default", {}).get("BACKEND", "")
    return backend == "django.core.mail.backends.console.EmailBackend"


def eligibility_review_email_send(*, review_id: int) -> bool:
    """Tell the person what staff decided about their near match, once."""
    with transaction.atomic():
        review = (
            EligibilityReview.objects.select_for_update()
            .select_related("roster_entry__sponsor")
            .filter(pk=review_id, emailed_at__isnull=True)
            .exclude(status=EligibilityReview.Status.PENDING)
            .first()
        )
        if review is None:
            return False
        approved = review.status == EligibilityReview.Status.APPROVED
        context = {
            "first_name": review.entered_first_name,
            "sponsor_name": review.roster_entry.sponsor.name,
            "base_url": settings.PUBLIC_BASE_URL,
        }
        if approved:
            context["enrol_url"] = settings.PUBLIC_BASE_URL.rstrip("/") + enrolment_url_for(
                review.roster_entry
            )
        send_templated_email(
            to=review.email,
            template="accounts/eligibility/email/eligibility_"
            + ("approved" if approved else "not_confirmed"),
            context=context,
        )
        review.emailed_at = timezone.now()
        review.save(update_fields=["emailed_at"])
    return True


def invitation_email_send(*, invitation_id: int) -> bool:
    """Email an invitation's signed link, once (the link is made here, in the worker)."""
    with transaction.atomic():
        invitation = (
            Invitation.objects.select_for_update()
            .filter(pk=invitation_id, emailed_at__isnull=True, accepted_at__isnull=True)
            .first()
        )
        if invitation is None:
            return False
        send_templated_email(
            to=invitation.email,
            template="accounts/enrolment/email/invitation",
            context={
                "first_name": invitation.first_name,
                "invite_url": settings.PUBLIC_BASE_URL.rstrip("/") + invitation_url_for(invitation),
                "expires_at": invitation.expires_at,
                "days": max(1, settings.INVITATION_MAX_AGE_SECONDS // 86400),
            },
        )
        invitation.emailed_at = timezone.now()
        invitation.save(update_fields=["emailed_at"])
    return True


def enrolment_link_email_send(*, entry_id: int) -> bool:
    """Send the enrolment link to the address on the roster (sponsors that verify no member
    ID): only the person who reads that mailbox can create the account."""
    entry = RosterEntry.objects.select_related("sponsor").filter(pk=entry_id).first()
    if entry is None or not entry.email:
        return False
    send_templated_email(
        to=entry.email,
        template="accounts/eligibility/email/enrolment_link",
        context={
            "first_name": entry.first_name,
            "sponsor_name": entry.sponsor.name,
            "enrol_url": settings.PUBLIC_BASE_URL.rstrip("/") + enrolment_url_for(entry),
        },
    )
    return True


def enrolment_confirm_email_send(*, pending_id: str) -> bool:
    """Email the link that finishes an enrolment to the address the person gave (the link is
    signed here, in the worker)."""
    pending = enrolment_pending_get(pending_id=pending_id)
    if pending is None:
        return False
    entry = RosterEntry.objects.select_related("sponsor").filter(pk=pending["entry"]).first()
    if entry is None:
        return False
    send_templated_email(
        to=pending["email"],
        template="accounts/enrolment/email/enrolment_confirm",
        context={
            "first_name": entry.first_name,
            "sponsor_name": entry.sponsor.name,
            "confirm_url": settings.PUBLIC_BASE_URL.rstrip("/")
            + enrolment_confirm_url_for(pending_id),
            "hours": max(1, settings.ENROLMENT_CONFIRM_MAX_AGE_SECONDS // 3600),
        },
    )
    return True
