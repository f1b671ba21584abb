"""The one place in programs that knows about email. No health data and no message text here:
an email only says that something is waiting, and asks the person to log in."""

import email.message
import email.policy
import re
import zoneinfo
from dataclasses import dataclass
from datetime import timedelta
from urllib.parse import urlsplit

from django.conf import settings
from django.core import mail, signing
from django.core.mail import EmailMultiAlternatives
from django.core.mail.backends.base import BaseEmailBackend
from django.db import transaction
from django.db.models import Q
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.html import conditional_escape

from accounts.models import User
from accounts.notifications import send_templated_email
from programs.models import Alert, Message, ThreadReadState, Visit, VisitReminder
from programs.selectors.messaging import thread_participant_ids
from programs.selectors.visits import viewer_time_zone
from programs.visits_calendar import invitation_part, visit_invitation, visit_page_url
from therapy.when import zone_label


def _login_url(next_path: str) -> str:
    return f"{settings.PUBLIC_BASE_URL.rstrip('/')}{reverse('accounts:login')}?next={next_path}"


def message_notification_send(*, message_id: int) -> int:
    """Email each other participant that a message is waiting, at most once per gap.

    The claim is a conditional UPDATE of the recipient's read state, so a burst of messages
    (or a redelivered task) sends one email. Returns how many emails went out.
    """
    message = Message.objects.filter(pk=message_id).select_related("patient").first()
    if message is None:
        return 0
    now = timezone.now()
    quiet_since = now - timedelta(seconds=settings.MESSAGE_EMAIL_MIN_GAP_SECONDS)
    # Participants now, not whoever once had a read state: a PT whose link ended gets nothing.
    participants = thread_participant_ids(patient=message.patient)
    recipients = ThreadReadState.objects.filter(
        patient_id=message.patient_id, user_id__in=participants
    ).exclude(user_id=message.sender_id)
    sent = 0
    for state in recipients.select_related("user"):
        with transaction.atomic():
            claimed = ThreadReadState.objects.filter(
                Q(notified_at__isnull=True) | Q(notified_at__lte=quiet_since),
                pk=state.pk,
                last_read_message_id__lt=message.pk,
                user__is_active=True,
            ).update(notified_at=now)
            if not claimed:
                continue
            user: User = state.user
            path = (
                reverse("programs:messages")
                if user.is_patient
                else reverse("programs:thread", args=[message.patient_id])
            )
            # Sent inside the claim's transaction: an SMTP failure undoes the claim for a retry.
            send_templated_email(
                to=user.email,
                template="programs/messaging/email/new_message",
                context={"first_name": user.first_name, "login_url": _login_url(path)},
            )
        sent += 1
    return sent


def _when(*, visit: Visit, recipient: User) -> str:
    """ "Tuesday 3 December 2026 at 7:30 am, Eastern Time (EST)" in the recipient's zone."""
    zone_name = viewer_time_zone(user=recipient)
    local = visit.starts_at.astimezone(zoneinfo.ZoneInfo(zone_name))
    hour = local.hour % 12 or 12
    clock = f"{hour}:{local:%M} {'am' if local.hour < 12 else 'pm'}"
    return (
        f"{local:%A} {local.day} {local:%B %Y} at {clock}, "
        f"{zone_label(zone_name, at=visit.starts_at)}"
    )


_NOTICE_CHANGES = {"booked": "booking", "cancelled": "cancel"}


def visit_notice_send(*, visit_id: int, change: str) -> int:
    """Send both participants the news of a booking, a move or a cancellation, each once, with
    the calendar invitation (a move updates the same calendar entry; a cancellation removes it).

    Each participant's notice is claimed by its own column in its own transaction, so an SMTP
    failure for one leaves the other sent and the failed one to the task's retry. Returns how
    many went out."""
    sent = 0
    for who in ("patient", "therapist"):
        field = f"{who}_{_NOTICE_CHANGES[change]}_notice_sent_at"
        with transaction.atomic():
            visit = (
                Visit.objects.select_for_update(of=("self",))
                .select_related("rescheduled_from")
                .filter(pk=visit_id, **{f"{field}__isnull": True})
                .first()
            )
            if visit is None:
                continue
            recipient = User.objects.select_related("patient_profile", "therapist_profile").get(
                pk=visit.patient_id if who == "patient" else visit.therapist_id
            )
            moved_from = visit.rescheduled_from if change == "booked" else None
            cancel = change == "cancelled"
            ics = visit_invitation(
                visit=visit,
                recipient_email=recipient.email,
                recipient_name=recipient.get_full_name(),
                for_patient=who == "patient",
                cancel=cancel,
            )
            send_templated_email(
                to=recipient.email,
                template="programs/visits/email/visit_notice",
                context={
                    "first_name": recipient.first_name,
                    "change": "moved" if moved_from else change,
                    "when": _when(visit=visit, recipient=recipient),
                    "was": _when(visit=moved_from, recipient=recipient) if moved_from else "",
                    "join_url": visit_page_url(visit=visit),
                    "login_url": _login_url(reverse("programs:visits")),
                },
                attachments=[invitation_part(ics=ics, cancel=cancel)],
            )
            setattr(visit, field, timezone.now())
            visit.save(update_fields=[field])
        sent += 1
    return sent


def visit_reminder_send(*, reminder_id: int) -> bool:
    """Send one claimed reminder; False when it had already gone out or the visit is off."""
    with transaction.atomic():
        reminder = (
            VisitReminder.objects.select_for_update(of=("self",))
            .select_related("visit", "recipient")
            .filter(pk=reminder_id, sent_at__isnull=True, claimed_at__isnull=False)
            .first()
        )
        if reminder is None or reminder.visit.status != reminder.visit.Status.BOOKED:
            return False
        recipient = User.objects.select_related("patient_profile", "therapist_profile").get(
            pk=reminder.recipient_id
        )
        send_templated_email(
            to=recipient.email,
            template="programs/visits/email/visit_reminder",
            context={
                "first_name": recipient.first_name,
                "when": _when(visit=reminder.visit, recipient=recipient),
                "login_url": _login_url(reverse("programs:visits")),
            },
        )
        reminder.sent_at = timezone.now()
        reminder.save(update_fields=["sent_at"])
    return True


UNSUBSCRIBE_SALT = "programs.reminders.unsubscribe"


class _ReminderEmail(EmailMultiAlternatives):
    def message(self, *, policy: email.policy.Policy | None = None) -> email.message.EmailMessage:
        # Folding at 78 characters would turn the long List-Unsubscribe URL into an encoded
        # word that mail providers cannot use; RFC 5322 allows lines of up to 998.
        policy = policy or email.policy.default
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


def reminder_context_for(*, patient_id: int, first_name: str) -> dict:
    return {
        "SITE_NAME": settings.SITE_NAME,
        "first_name": first_name,
        "today_url": _absolute("/today/"),
        "unsubscribe_url": _absolute(
            reverse(
                "programs:reminders-unsubscribe",
                args=[unsubscribe_token(patient_id=patient_id)],
            )
        ),
        "settings_url": _absolute(reverse("programs:reminders")),
    }


def delivery_key(*, delivery_id: int) -> str:
    """The same for every attempt at one delivery: the Message-ID of its email and the
    Idempotency-Key of its SMS, so that a resend after a crash can be recognised downstream."""
    host = urlsplit(settings.PUBLIC_BASE_URL).hostname or "localhost"
    return f"reminder-{delivery_id}@{host}"


_REMINDER_EMAIL = "programs/reminders/email/reminder"
_REMINDER_SMS = "programs/reminders/sms/reminder.txt"


def _reminder_email(
    *, subject: str, text: str, html: str, to: str, unsubscribe_url: str, message_id: str
) -> EmailMultiAlternatives:
    message = _ReminderEmail(
        " ".join(subject.split()),
        text,
        settings.DEFAULT_FROM_EMAIL,
        [to],
        headers={
            # RFC 8058 one-click: mail providers POST to the link; no login needed.
            "List-Unsubscribe": f"<{unsubscribe_url}>",
            "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
            "Message-ID": f"<{message_id}>",
        },
    )
    message.attach_alternative(html, "text/html")
    return message


def reminder_email_message(*, context: dict, to: str, delivery_id: int) -> EmailMultiAlternatives:
    """One reminder email, rendered on its own (ReminderTemplates renders a batch's)."""
    return _reminder_email(
        subject=render_to_string(f"{_REMINDER_EMAIL}_subject.txt", context, using="text"),
        text=render_to_string(f"{_REMINDER_EMAIL}_body.txt", context, using="text"),
        html=render_to_string(f"{_REMINDER_EMAIL}_body.html", context),
        to=to,
        unsubscribe_url=context["unsubscribe_url"],
        message_id=delivery_key(delivery_id=delivery_id),
    )


def reminder_sms_body(*, context: dict) -> str:
    return render_to_string(_REMINDER_SMS, context, using="text").strip()


@dataclass(frozen=True)
class ReminderRecipient:
    delivery_id: int
    patient_id: int
    first_name: str
    email: str


# Stand-ins for what differs between the messages of a batch: private-use characters, which
# neither the templates nor autoescaping produce or change.
_SLOTS = {"first_name": "\ue000first_name\ue001", "unsubscribe_url": "\ue000unsubscribe_url\ue001"}
_SLOT = re.compile("\ue000(first_name|unsubscribe_url)\ue001")
_TOKEN_SLOT = "unsubscribe-token-slot"  # noqa: S105 - a stand-in, reversed once (no quoting)
_PROBE = ReminderRecipient(delivery_id=0, patient_id=0, first_name='O\'Neil <&> "Zoë"', email="")


def _fill(part: str, values: dict[str, str]) -> str:
    return _SLOT.sub(lambda match: values[match.group(1)], part)


class ReminderTemplates:
    """The reminder's email and SMS for a batch: each template rendered once with stand-ins
    for the first name and the unsubscribe link, then filled in per message with the values
    escaped as the template escapes them. The same text as rendering each message on its own,
    for a fraction of the cost. The batch checks that on a probe recipient first; should a
    template ever treat the name in a way a stand-in cannot follow (a filter, say), every
    message is rendered on its own instead."""

    def __init__(self) -> None:
        self._host = urlsplit(settings.PUBLIC_BASE_URL).hostname or "localhost"
        self._unsubscribe = _absolute(reverse("programs:reminders-unsubscribe", args=[_TOKEN_SLOT]))
        self._base = {
            "SITE_NAME": settings.SITE_NAME,
            "today_url": _absolute("/today/"),
            "settings_url": _absolute(reverse("programs:reminders")),
        }
        with_slots = {**self._base, **_SLOTS}
        self._parts = [
            render_to_string(f"{_REMINDER_EMAIL}_subject.txt", with_slots, using="text"),
            render_to_string(f"{_REMINDER_EMAIL}_body.txt", with_slots, using="text"),
            render_to_string(f"{_REMINDER_EMAIL}_body.html", with_slots),
            render_to_string(_REMINDER_SMS, with_slots, using="text").strip(),
        ]
        url = self._url(_PROBE)
        self._fill_ok = self._filled(_PROBE, url) == self._rendered(_PROBE, url)

    def _url(self, recipient: ReminderRecipient) -> str:
        token = unsubscribe_token(patient_id=recipient.patient_id)
        return self._unsubscribe.replace(_TOKEN_SLOT, token)

    def _filled(self, recipient: ReminderRecipient, url: str) -> list[str]:
        text = {"first_name": recipient.first_name, "unsubscribe_url": url}
        html = {name: str(conditional_escape(value)) for name, value in text.items()}
        # [subject, text body, HTML body, SMS]: only the HTML body is escaped
        return [
            _fill(part, values)
            for part, values in zip(self._parts, (text, text, html, text), strict=True)
        ]

    def _rendered(self, recipient: ReminderRecipient, url: str) -> list[str]:
        context = {**self._base, "first_name": recipient.first_name, "unsubscribe_url": url}
        return [
            render_to_string(f"{_REMINDER_EMAIL}_subject.txt", context, using="text"),
            render_to_string(f"{_REMINDER_EMAIL}_body.txt", context, using="text"),
            render_to_string(f"{_REMINDER_EMAIL}_body.html", context),
            reminder_sms_body(context=context),
        ]

    def messages(self, recipient: ReminderRecipient) -> tuple[EmailMultiAlternatives, str]:
        """The recipient's email and SMS body (one unsubscribe link for both)."""
        url = self._url(recipient)
        subject, text, html, sms = (self._filled if self._fill_ok else self._rendered)(
            recipient, url
        )
        message = _reminder_email(
            subject=subject,
            text=text,
            html=html,
            to=recipient.email,
            unsubscribe_url=url,
            message_id=f"reminder-{recipient.delivery_id}@{self._host}",
        )
        return message, sms


def reminder_mailer() -> BaseEmailBackend:
    """One connection for a batch of reminders: it opens on the first message and stays open
    until closed (a connection per message was most of the cost of sending)."""
    return mail.mailers.default


def delivery_topic(*, delivery_id: int) -> str:
    """The Web Push Topic of one delivery (RFC 8030: at most 32 base64url characters): a push
    service holding an undelivered copy replaces it with a resend instead of showing two."""
    return f"reminder-{delivery_id}"


def reminder_push_payload(*, context: dict) -> dict[str, str]:
    """What the service worker shows (static/js/sw-push.js). A lock screen is public: no name,
    no exercise, no health detail."""
    return {
        "title": f"{context['SITE_NAME']}: time for your exercises",
        "body": "Your exercises for today are ready when you are.",
        "url": "/today/",
        "tag": "exercise-reminder",
    }


def alert_email_send(*, alert_id: int) -> bool:
    """Tell the PT there is an urgent alert, once. Returns False when it had already gone out."""
    with transaction.atomic():
        alert = (
            Alert.objects.select_for_update()
            .select_related("therapist")
            .filter(pk=alert_id, therapist__isnull=False, therapist_notified_at__isnull=True)
            .first()
        )
        therapist = alert.therapist if alert is not None else None
        if alert is None or therapist is None:
            return False
        send_templated_email(
            to=therapist.email,
            template="programs/alerts/email/urgent_alert",
            context={
                "first_name": therapist.first_name,
                "caseload_url": settings.PUBLIC_BASE_URL.rstrip("/") + reverse("caseload"),
            },
        )
        alert.therapist_notified_at = timezone.now()
        alert.save(update_fields=["therapist_notified_at"])
    return True


def alert_staff_email_send(*, alert_id: int) -> bool:
    """Tell the staff care-coordination queue about an urgent alert no PT owns yet, or one that
    waited too long, once per claim. Returns False when it had already gone out."""
    with transaction.atomic():
        alert = (
            Alert.objects.select_for_update()
            .filter(pk=alert_id, staff_notified_at__isnull=True, acknowledged_at__isnull=True)
            .first()
        )
        if alert is None:
            return False
        recipients = list(
            User.objects.filter(role=User.Role.STAFF, is_active=True).values_list(
                "email", "first_name"
            )
        )
        for address, first_name in recipients:
            send_templated_email(
                to=address,
                template="programs/alerts/email/staff_alert",
                context={
                    "first_name": first_name,
                    "escalated": alert.escalated_at is not None,
                    "hours": settings.ALERT_ESCALATION_HOURS,
                    "triage_url": settings.PUBLIC_BASE_URL.rstrip("/") + reverse("programs:triage"),
                },
            )
        alert.staff_notified_at = timezone.now()
        alert.save(update_fields=["staff_notified_at"])
    return bool(recipients)
