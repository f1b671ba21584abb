"""Web Push devices of a patient (subscribe, remove) and a reminder pushed to all of them."""

from datetime import datetime
from urllib.parse import urlsplit

from django.conf import settings
from django.db import transaction
from django.db.models import F
from django.utils import timezone

from accounts.models import User
from programs.models import PushSubscription
from programs.push import PushGone, PushProviderError, PushTarget, push_enabled, push_send
from therapy.errors import ApplicationError

NOT_VALID = "Some fields are not valid."
MAX_DEVICES = 10


def _endpoint_allowed(endpoint: str) -> bool:
    """Our workers POST to the endpoint, so it must be a known push service (no internal
    addresses: server-side request forgery). Plain http only for loopback, which only a test's
    own push service is ever allowed as."""
    parts = urlsplit(endpoint)
    host = (parts.hostname or "").lower()
    if parts.scheme != "https" and not (parts.scheme == "http" and host in {"127.0.0.1", "::1"}):
        return False
    return any(host == h or host.endswith(f".{h}") for h in settings.PUSH_SERVICE_HOSTS)


@transaction.atomic
def push_subscribe(
    *, patient: User, endpoint: str, p256dh: str, auth: str, device_label: str = ""
) -> PushSubscription:
    """Save a browser's subscription for this patient. The same endpoint again updates it (a
    browser hands out one per origin; whoever subscribed last on it gets the pushes)."""
    if not push_enabled():
        raise ApplicationError("Notifications are not set up on this service.")
    if not _endpoint_allowed(endpoint):
        raise ApplicationError(
            NOT_VALID, errors={"endpoint": ["This is not a push service we can send to."]}
        )
    if (
        PushSubscription.objects.filter(patient=patient).exclude(endpoint=endpoint).count()
        >= MAX_DEVICES
    ):
        raise ApplicationError(
            f"You can get notifications on at most {MAX_DEVICES} devices. Remove one first."
        )
    subscription, _ = PushSubscription.objects.update_or_create(
        endpoint=endpoint,
        defaults={
            "patient": patient,
            "p256dh": p256dh,
            "auth": auth,
            "device_label": device_label[:100],
            "failure_count": 0,
        },
    )
    return subscription


def push_unsubscribe(*, subscription: PushSubscription) -> None:
    subscription.delete()


def reminder_push_send(
    *, patient_id: int, payload: dict[str, str], topic: str, now: datetime | None = None
) -> int:
    """Push one reminder to each of the patient's devices. Returns how many took it (0: none
    subscribed, the caller falls back to email). A device whose push service says it is gone
    is deleted. Raises PushProviderError when none took it and some failed in a way that may
    pass, so the reminder is retried. Runs inside the delivery's row lock."""
    now = now or timezone.now()
    accepted, errors = 0, []
    for subscription in PushSubscription.objects.filter(patient_id=patient_id):
        target = PushTarget(subscription.endpoint, subscription.p256dh, subscription.auth)
        try:
            push_send(
                target=target,
                payload=payload,
                topic=topic,
                ttl=settings.REMINDERS_STALE_AFTER_SECONDS,
            )
        except PushGone:
            subscription.delete()
            continue
        except PushProviderError as exc:
            errors.append(str(exc))
            PushSubscription.objects.filter(pk=subscription.pk).update(
                failure_count=F("failure_count") + 1
            )
            continue
        PushSubscription.objects.filter(pk=subscription.pk).update(
            last_success_at=now, failure_count=0
        )
        accepted += 1
    if not accepted and errors:
        raise PushProviderError("; ".join(errors)[:250])
    return accepted
