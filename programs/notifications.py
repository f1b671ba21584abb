"""The one place in programs that knows about email. No health data and no message text here:
an email only says that something is waiting, and asks the person to log in."""

import zoneinfo
from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone

from accounts.models import User
from accounts.notifications import send_templated_email
from programs.models import Message, ThreadReadState, Visit, VisitReminder
from programs.selectors.visits import viewer_time_zone
from programs.services.messaging import thread_participant_ids


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
                template="programs/email/new_message",
                context={"first_name": user.first_name, "login_url": _login_url(path)},
            )
        sent += 1
    return sent


def _when(*, visit: Visit, recipient: User) -> str:
    zone = zoneinfo.ZoneInfo(viewer_time_zone(user=recipient))
    local = visit.starts_at.astimezone(zone)
    return f"{local:%A} {local.day} {local:%B %Y} at {local:%H:%M} ({local.tzname()}, {zone.key})"


_NOTICE_FIELDS = {"booked": "booking_notice_sent_at", "cancelled": "cancel_notice_sent_at"}


def visit_notice_send(*, visit_id: int, change: str) -> bool:
    """Tell the participant who did not act that a visit was booked, moved or cancelled. Once."""
    field = _NOTICE_FIELDS[change]
    with transaction.atomic():
        visit = (
            Visit.objects.select_for_update(of=("self",))
            .select_related("rescheduled_from")
            .filter(pk=visit_id, **{f"{field}__isnull": True})
            .first()
        )
        if visit is None:
            return False
        actor_id = visit.booked_by_id if change == "booked" else visit.cancelled_by_id
        other_id = visit.therapist_id if actor_id == visit.patient_id else visit.patient_id
        recipient = User.objects.select_related("patient_profile", "therapist_profile").get(
            pk=other_id
        )
        moved_from = visit.rescheduled_from if change == "booked" else None
        send_templated_email(
            to=recipient.email,
            template="programs/email/visit_notice",
            context={
                "first_name": recipient.first_name,
                "change": "moved" if moved_from else change,
                "when": _when(visit=visit, recipient=recipient),
                "was": _when(visit=moved_from, recipient=recipient) if moved_from else "",
                "login_url": _login_url(reverse("programs:visits")),
            },
        )
        setattr(visit, field, timezone.now())
        visit.save(update_fields=[field])
    return True


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
            template="programs/email/visit_reminder",
            context={
                "first_name": recipient.first_name,
                "when": _when(visit=reminder.visit, recipient=recipient),
                "login_url": _login_url(reverse("programs:visits")),
            },
        )
        reminder.sent_at = timezone.now()
        reminder.save(update_fields=["sent_at"])
    return True
