"""Text messages through a pluggable backend, chosen by settings.SMS_BACKEND (a dotted path).

A backend has one method, `send(*, to, body, key)`, and raises `SmsProviderError` when the provider
did not take the message; the reminder send task retries those.
"""

import json
import sys
import urllib.error
import urllib.request
from typing import Protocol

from django.conf import settings
from django.utils.module_loading import import_string


class SmsProviderError(Exception):
    pass


class SmsBackend(Protocol):
    def send(self, *, to: str, body: str, key: str) -> None: ...


class ConsoleSmsBackend:
    """Development: print the message, as Django's console email backend does."""

    def send(self, *, to: str, body: str, key: str) -> None:
        sys.stdout.write(f"--- SMS to {to}\n{body}\n---\n")
        sys.stdout.flush()


class NullSmsBackend:
    """Accept and drop: for benchmarks that measure everything but the provider."""

    def send(self, *, to: str, body: str, key: str) -> None:
        return None


class HttpSmsBackend:
    """POST {"to", "body"} as JSON to SMS_HTTP_URL with a bearer token; any 2xx is accepted.
    `key` goes out as the Idempotency-Key header, the same on every retry of one reminder."""

    def __init__(self) -> None:
        self.url: str = settings.SMS_HTTP_URL
        self.token: str = settings.SMS_HTTP_TOKEN
        if not self.url.startswith(("http://", "https://")):
            raise SmsProviderError("SMS_HTTP_URL must be an http(s) URL.")

    def send(self, *, to: str, body: str, key: str) -> None:
        request = urllib.request.Request(  # noqa: S310 - the scheme is checked in __init__
            self.url,
            data=json.dumps({"to": to, "body": body}).encode(),
            headers={
                "Content-Type": "application/json",
                "Authorization": f"Bearer {self.token}",
                "Idempotency-Key": key,
            },
            method="POST",
        )
        try:
            with urllib.request.urlopen(request, timeout=10) as response:  # noqa: S310
                status = response.status
        except urllib.error.HTTPError as exc:
            raise SmsProviderError(f"SMS provider answered {exc.code}") from exc
        except OSError as exc:
            raise SmsProviderError(f"SMS provider unreachable: {exc}") from exc
        if not 200 <= status < 300:
            raise SmsProviderError(f"SMS provider answered {status}")


def sms_backend() -> SmsBackend:
    return import_string(settings.SMS_BACKEND)()
