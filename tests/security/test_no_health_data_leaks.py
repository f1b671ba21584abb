"""Unique markers in every health field must not turn up where they do not belong: logs, error
emails, Redis (keys and values), Celery messages, audit rows, or a 500 page."""

import json
import logging
import uuid

import pytest
import redis
from celery.signals import before_task_publish
from django.conf import settings
from django.test import Client

from accounts.models import AuditEvent
from accounts.selectors.enrolment import invitation_token_for
from accounts.services.enrolment import invitation_create
from programs.services.plans import plan_assign_template
from tests.conftest import client_for
from tests.programs.history import ensure_psoas_library

pytestmark = [pytest.mark.integration, pytest.mark.django_db(transaction=True)]


# The test SMTP sink logs every line it receives (the emails to people themselves): that is the
# test's mail server, not the app.
TEST_INFRASTRUCTURE_LOGGERS = ("mail.log",)


def _redis_dump() -> str:
    r = redis.Redis.from_url(settings.REDIS_URL)
    parts = []
    for key in r.scan_iter(count=500):
        parts.append(repr(key))
        kind = r.type(key)
        if kind == b"string":
            parts.append(repr(r.get(key)))
        elif kind == b"list":
            parts.append(repr(r.lrange(key, 0, -1)))
        elif kind == b"hash":
            parts.append(repr(r.hgetall(key)))
        elif kind == b"set":
            parts.append(repr(r.smembers(key)))
        elif kind == b"zset":
            parts.append(repr(r.zrange(key, 0, -1)))
    return "\n".join(parts)


def test_markers_in_health_fields_stay_out_of_logs_mail_redis_and_messages(
    celery_session_worker, pt, patient, mailbox, caplog, settings
):
    marks = {
        name: f"zq{uuid.uuid4().hex[:12]}"
        for name in ("first", "last", "phone", "new", "message", "note")
    }
    plan = plan_assign_template(therapist=pt, patient=patient, template=ensure_psoas_library())
    patient.first_name, patient.last_name = marks["first"], marks["last"]
    patient.save()
    patient.patient_profile.phone = marks["phone"]
    patient.patient_profile.save()

    published: list[str] = []

    def record(sender: object, body: object, headers: object, **_: object) -> None:
        published.append(json.dumps([body, headers], default=str))

    before_task_publish.connect(record, weak=False)
    caplog.set_level(logging.DEBUG)
    try:
        # reads and writes across the app, as the people who do them
        therapist = client_for(pt)
        therapist.get(f"/patients/{patient.pk}/")
        therapist.get(f"/api/v1/patients/{patient.pk}/")
        therapist.get("/caseload/")
        me = client_for(patient)
        me.get("/accounts/profile/")
        me.post(
            "/accounts/profile/",
            {
                "first_name": marks["first"],
                "last_name": marks["last"],
                "date_of_birth": "1985-06-15",
                "phone": marks["phone"],
                "state": "NY",
                "time_zone": "Not/AZone" + marks["phone"],  # a refused value is not logged
                "preferred_language": "en",
            },
        )
        me.get("/accounts/privacy/my-data.json")
        # the programs: a plan note, a message (its email goes through the worker), a
        # completion with its pain score, and the pages that show them
        items = [
            {
                "exercise": i.exercise_id,
                "sets": i.sets,
                "reps": i.reps,
                "hold_seconds": i.hold_seconds,
                "per_side": i.per_side,
                "sessions_per_week": i.sessions_per_week,
                "note": marks["note"] if n == 0 else i.note,
            }
            for n, i in enumerate(plan.current_version.items.order_by("order"))
        ]
        therapist.put(
            f"/api/v1/patients/{patient.pk}/plan/",
            {"expected_version": 1, "items": items},
            content_type="application/json",
        )
        me.post(f"/messages/{patient.pk}/", {"body": marks["message"]})
        me.post(
            "/api/v1/today/completions/",
            {"exercise": items[0]["exercise"], "pain": 7, "difficulty": "too_hard"},
            content_type="application/json",
        )
        me.get("/today/")
        me.get("/progress/")
        therapist.get(f"/messages/{patient.pk}/")
        therapist.get(f"/patients/{patient.pk}/plan/versions/")
        Client().post("/accounts/password/reset/", {"email": patient.email})
        # sign-up needs an invitation (open sign-up is closed): its email and the welcome email
        invitation = invitation_create(
            invited_by=pt, email="newcomer@example.test", first_name=marks["new"], last_name="N"
        )
        mailbox.wait_for("newcomer@example.test")  # the invitation, through the worker
        Client().post(
            "/api/v1/auth/signup/",
            {
                "invitation": invitation_token_for(invitation),
                "email": "newcomer@example.test",
                "password": "a-long-enough-passphrase-3",
                "date_of_birth": "1990-02-03",
                "state": "NY",
                "time_zone": "Europe/Madrid",
                "phone": marks["new"],
            },
            content_type="application/json",
        )
        mailbox.wait_for(patient.email)  # the reset email went through the worker
        mailbox.wait_for("newcomer@example.test", count=2)  # so did invitation and welcome

        # a forced 500 after reading the patient, in the production error path
        settings.DEBUG = False
        settings.ADMINS = ["ops@example.test"]
        settings.ROOT_URLCONF = "tests.security.boom_urls"
        crashing = client_for(pt)
        crashing.raise_request_exception = False
        failure = crashing.get(f"/boom/{patient.pk}/")
        assert failure.status_code == 500
        [error_email] = mailbox.wait_for("ops@example.test")
    finally:
        before_task_publish.disconnect(record)

    assert published, "the flows above enqueue Celery tasks"
    error_mail_text = error_email.as_string()
    assert f"/boom/{patient.pk}/" in error_mail_text
    places = {
        "logs": "\n".join(
            r.getMessage() + str(r.exc_text or "")
            for r in caplog.records
            if not r.name.startswith(TEST_INFRASTRUCTURE_LOGGERS)
        ),
        "error email": error_mail_text,
        "500 page": failure.content.decode(),
        "Redis": _redis_dump(),
        "Celery messages": "\n".join(published),
        "audit rows": repr(list(AuditEvent.objects.values_list())),
    }
    for place, text in places.items():
        for field, marker in marks.items():
            assert marker not in text, f"{field} marker found in {place}"
