"""Web Push (RFC 8030) with VAPID (RFC 8292) and message encryption (RFC 8291), through
pywebpush: the one place that talks to browsers' push services.

A push service answers 201 when it took the message, 404 or 410 when the subscription is gone
for good (the person unsubscribed, the browser dropped it), and anything else for a problem
that may pass. `push_send` raises `PushGone` for the first, `PushProviderError` for the rest.
"""

import base64
import json
from dataclasses import dataclass

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec
from django.conf import settings
from pywebpush import WebPushException, webpush


class PushProviderError(Exception):
    """The push service did not take the message; worth trying again later."""


class PushGone(Exception):
    """The push service says the subscription no longer exists (404 or 410)."""


@dataclass(frozen=True)
class PushTarget:
    endpoint: str
    p256dh: str
    auth: str


def push_enabled() -> bool:
    return bool(settings.VAPID_PUBLIC_KEY and settings.VAPID_PRIVATE_KEY)


def _b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def vapid_keys_generate() -> tuple[str, str]:
    """A new VAPID pair: (public key as browsers take it, private key), both base64url."""
    key = ec.generate_private_key(ec.SECP256R1())
    public = key.public_key().public_bytes(
        serialization.Encoding.X962, serialization.PublicFormat.UncompressedPoint
    )
    return _b64url(public), _b64url(key.private_numbers().private_value.to_bytes(32, "big"))


def push_send(*, target: PushTarget, payload: dict[str, str], topic: str, ttl: int) -> None:
    """Encrypt `payload` (JSON) to the subscription's keys and hand it to its push service.

    `topic` (RFC 8030 section 5.4) is the same on every attempt at one reminder: a push
    service that still holds an undelivered copy replaces it instead of showing two."""
    try:
        response = webpush(
            subscription_info={
                "endpoint": target.endpoint,
                "keys": {"p256dh": target.p256dh, "auth": target.auth},
            },
            data=json.dumps(payload),
            vapid_private_key=settings.VAPID_PRIVATE_KEY,
            # pywebpush fills in the audience and expiry; a fresh dict each time, as it writes
            # into the one it is given.
            vapid_claims={"sub": settings.VAPID_SUBJECT},
            ttl=ttl,
            headers={"Topic": topic, "Urgency": "normal"},
            timeout=settings.PUSH_TIMEOUT_SECONDS,
        )
    except WebPushException as exc:
        status = exc.response.status_code if exc.response is not None else None
        if status in (404, 410):
            raise PushGone(str(status)) from exc
        raise PushProviderError(f"push service answered {status}") from exc
    except (OSError, ValueError) as exc:  # requests' connection errors are OSErrors
        raise PushProviderError(f"push service unreachable: {type(exc).__name__}") from exc
    answered = getattr(response, "status_code", None) or 201
    if not 200 <= answered < 300:
        raise PushProviderError(f"push service answered {answered}")
