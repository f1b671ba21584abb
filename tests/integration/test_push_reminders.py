"""Push reminders through a real Celery worker to a push service run by the test.

The test plays the browser: it makes a real P-256 key pair and auth secret, subscribes through
the API, and decrypts what reaches its push endpoint (RFC 8291, aes128gcm) with those keys. It
also checks the VAPID signature (RFC 8292) against the server's public key.
"""

import base64
import json
import os
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import http_ece
import pytest
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.asymmetric.utils import encode_dss_signature
from django.conf import settings

from programs.models import PushSubscription, ReminderDelivery
from programs.services.plans import plan_assign_template
from programs.services.reminders import delivery_send, reminders_sweep
from tests.conftest import client_for
from tests.integration.processes import wait_until
from tests.mailbox import text_body
from tests.programs.history import ensure_psoas_library
from tests.programs.reminders.conftest import choose, make_due
from therapy.celery import task_send

pytestmark = [pytest.mark.integration, pytest.mark.django_db(transaction=True)]

API = "/api/v1/reminders/push-subscriptions/"


def _b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def _unb64url(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


class _PushService(BaseHTTPRequestHandler):
    """A push service: 201 for every endpoint, 410 for those under /gone/."""

    def do_POST(self) -> None:
        body = self.rfile.read(int(self.headers["Content-Length"]))
        headers = {k.lower(): v for k, v in self.headers.items()}
        self.server.received.append((self.path, headers, body))  # type: ignore[attr-defined]
        self.send_response(410 if self.path.startswith("/gone/") else 201)
        self.send_header("Content-Length", "0")
        self.end_headers()

    def log_message(self, *args: object) -> None:
        return None


@pytest.fixture
def push_service(settings):
    server = ThreadingHTTPServer(("127.0.0.1", 0), _PushService)
    server.received = []  # type: ignore[attr-defined]
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    # Only a test's own loopback service is ever an allowed push service.
    settings.PUSH_SERVICE_HOSTS = ["127.0.0.1"]
    yield server
    server.shutdown()


class _Browser:
    """What a browser keeps for one push subscription: its key pair and auth secret."""

    def __init__(self, endpoint: str) -> None:
        self.endpoint = endpoint
        self.key = ec.generate_private_key(ec.SECP256R1())
        self.auth = os.urandom(16)

    def subscription_json(self) -> dict:
        public = self.key.public_key().public_bytes(
            serialization.Encoding.X962, serialization.PublicFormat.UncompressedPoint
        )
        return {
            "endpoint": self.endpoint,
            "keys": {"p256dh": _b64url(public), "auth": _b64url(self.auth)},
            "device_label": "Chrome on Android",
        }

    def decrypt(self, body: bytes) -> dict:
        plain = http_ece.decrypt(
            body, private_key=self.key, auth_secret=self.auth, version="aes128gcm"
        )
        return json.loads(plain)


def _check_vapid(headers: dict, audience: str) -> None:
    """The Authorization header is `vapid t=<JWT>, k=<our public key>`, signed with our key."""
    scheme, _, params = headers["authorization"].partition(" ")
    assert scheme == "vapid"
    fields = dict(p.strip().split("=", 1) for p in params.split(","))
    assert fields["k"] == settings.VAPID_PUBLIC_KEY
    header, claims, signature = fields["t"].split(".")
    payload = json.loads(_unb64url(claims))
    assert payload["aud"] == audience and payload["sub"] == settings.VAPID_SUBJECT
    assert payload["exp"] > time.time()
    raw = _unb64url(signature)
    public = ec.EllipticCurvePublicKey.from_encoded_point(
        ec.SECP256R1(), _unb64url(settings.VAPID_PUBLIC_KEY)
    )
    public.verify(  # raises InvalidSignature when it is not ours
        encode_dss_signature(int.from_bytes(raw[:32], "big"), int.from_bytes(raw[32:], "big")),
        f"{header}.{claims}".encode(),
        ec.ECDSA(hashes.SHA256()),
    )


@pytest.fixture
def pushed_patient(patient, pt):
    plan_assign_template(therapist=pt, patient=patient, template=ensure_psoas_library())
    choose(patient, channel="push")
    return patient


def test_a_push_reminder_reaches_the_device_encrypted_and_goes_once(
    celery_session_worker, push_service, pushed_patient, mailbox
):
    base = f"http://127.0.0.1:{push_service.server_address[1]}"
    phone = _Browser(f"{base}/push/phone-1")
    old_laptop = _Browser(f"{base}/gone/laptop-1")
    client = client_for(pushed_patient)
    # given: two devices subscribed through the API, one of which its push service has dropped
    for browser in (phone, old_laptop):
        response = client.post(API, browser.subscription_json(), content_type="application/json")
        assert response.status_code == 201, response.content
    assert PushSubscription.objects.filter(patient=pushed_patient).count() == 2

    # when: the reminder is due and the sweep hands it to the worker
    make_due(pushed_patient)
    assert reminders_sweep().created == 1
    delivery = ReminderDelivery.objects.get(patient=pushed_patient)
    wait_until(lambda: ReminderDelivery.objects.get(pk=delivery.pk).status == "sent", timeout=30)

    # then: the phone's push service got one message, which only the phone's keys decrypt
    phone_hits = [r for r in push_service.received if r[0] == "/push/phone-1"]
    assert len(phone_hits) == 1
    _, headers, body = phone_hits[0]
    assert headers["content-encoding"] == "aes128gcm"
    assert headers["topic"] == f"reminder-{delivery.pk}"
    assert int(headers["ttl"]) == settings.REMINDERS_STALE_AFTER_SECONDS
    _check_vapid(headers, audience=base)
    payload = phone.decrypt(body)
    assert payload == {
        "title": f"{settings.SITE_NAME}: time for your exercises",
        "body": "Your exercises for today are ready when you are.",
        "url": "/today/",
        "tag": "exercise-reminder",
    }
    assert pushed_patient.last_name not in json.dumps(payload)
    with pytest.raises(Exception):  # noqa: B017 - any decryption failure will do
        old_laptop.decrypt(body)
    # the dropped device (410) is forgotten; the phone's success is recorded
    assert list(PushSubscription.objects.values_list("endpoint", flat=True)) == [phone.endpoint]
    assert PushSubscription.objects.get().last_success_at is not None
    delivery.refresh_from_db()
    assert (delivery.channel, delivery.email_sent_at) == ("push", None)
    assert delivery.push_sent_at is not None

    # when: the same delivery is sent again, by a redelivered task and directly
    task_send("programs.tasks.reminders_send_task", [delivery.pk])
    assert delivery_send(delivery_id=delivery.pk) is False
    time.sleep(1.5)
    # then: nothing more is pushed, and no email went out either
    assert len([r for r in push_service.received if r[0] == "/push/phone-1"]) == 1
    assert mailbox.to(pushed_patient.email) == []
    assert reminders_sweep().created == 0


def test_a_push_reminder_with_no_device_goes_by_email(
    celery_session_worker, push_service, pushed_patient, mailbox
):
    make_due(pushed_patient)
    reminders_sweep()
    [message] = mailbox.wait_for(pushed_patient.email)
    assert "/today/" in text_body(message)
    delivery = ReminderDelivery.objects.get(patient=pushed_patient)
    wait_until(lambda: ReminderDelivery.objects.get(pk=delivery.pk).status == "sent")
    delivery.refresh_from_db()
    assert delivery.push_sent_at is None and delivery.email_sent_at is not None
    assert push_service.received == []
