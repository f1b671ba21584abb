"""The one place in programs that knows email and SMS. Reminders carry no health data:
only the first name, a link to Today and a way to stop them."""

import email.policy
from urllib.parse import urlsplit

from django.conf import settings
from django.core import signing
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string
from django.urls import reverse

from accounts.models import User
from programs.sms import sms_backend

UNSUBSCRIBE_SALT = "programs.reminders.unsubscribe"


class _ReminderEmail(EmailMultiAlternatives):
    def message(self, *, policy: email.policy.Policy = email.policy.default) -> object:
        # Folding at 78 characters would turn the long List-Unsubscribe URL into an encoded
        # word that mail providers cannot use; RFC 5322 allows lines of up to 998.
        return super().message(policy=policy.clone(max_line_length=998))


def unsubscribe_token(*, patient_id: int) -> str:
    return signing.dumps(patient_id, salt=UNSUBSCRIBE_SALT, compress=True)


def unsubscribe_patient_id(token: str) -> int | None:
    """The patient a token was made for, or None when it was tampered with."""
    try:
        value = signing.loads(token, salt=UNSUBSCRIBE_SALT)
    except signing.BadSignature:
        return None
    return value if isinstance(value, int) else None


def _absolute(path: str) -> str:
    return f"{settings.PUBLIC_BASE_URL.rstrip('/')}{path}"


def reminder_context(*, patient: User) -> dict:
    return {
        "SITE_NAME": settings.SITE_NAME,
        "first_name": patient.first_name,
        "today_url": _absolute("/today/"),
        "unsubscribe_url": _absolute(
            reverse(
                "programs:reminders-unsubscribe",
                args=[unsubscribe_token(patient_id=patient.pk)],
            )
        ),
        "settings_url": _absolute(reverse("programs:reminders")),
    }


def delivery_key(*, delivery_id: int) -> str:
    """The same for every attempt at one delivery: the Message-ID of its email and the
    Idempotency-Key of its SMS, so that a resend after a crash can be recognised downstream."""
    host = urlsplit(settings.PUBLIC_BASE_URL).hostname or "localhost"
    return f"reminder-{delivery_id}@{host}"


def reminder_email_send(*, patient: User, delivery_id: int) -> None:
    """Raises OSError (smtplib's errors are OSErrors) when the mail server does not take it."""
    context = reminder_context(patient=patient)
    template = "programs/email/reminder"
    subject = " ".join(render_to_string(f"{template}_subject.txt", context).split())
    message = _ReminderEmail(
        subject,
        render_to_string(f"{template}_body.txt", context),
        settings.DEFAULT_FROM_EMAIL,
        [patient.email],
        headers={
            # RFC 8058 one-click: mail providers POST to the link; no login needed.
            "List-Unsubscribe": f"<{context['unsubscribe_url']}>",
            "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
            "Message-ID": f"<{delivery_key(delivery_id=delivery_id)}>",
        },
    )
    message.attach_alternative(render_to_string(f"{template}_body.html", context), "text/html")
    message.send()


def reminder_sms_send(*, patient: User, phone: str, delivery_id: int) -> None:
    """Raises programs.sms.SmsProviderError when the provider does not take it."""
    context = reminder_context(patient=patient)
    body = render_to_string("programs/email/reminder_sms.txt", context).strip()
    sms_backend().send(to=phone, body=body, key=delivery_key(delivery_id=delivery_id))
