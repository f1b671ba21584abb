"""Reminders through real Celery workers, real Redis, real PostgreSQL and the SMTP sink."""

import json
import threading
import uuid
from collections import Counter, defaultdict
from datetime import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from django.utils import timezone

from accounts.models import PatientProfile, User
from programs.models import ReminderDelivery, ReminderSchedule
from programs.services.plans import plan_assign_template
from programs.services.reminders import ReminderChoices, reminder_settings_update, reminders_sweep
from tests import factories
from tests.integration.processes import (
    free_port,
    kill,
    process_env,
    start_redis,
    start_worker,
    stop,
    sweep_in_process,
    wait_until,
)
from tests.mailbox import text_body
from tests.programs.history import ensure_psoas_library
from tests.programs.reminders.conftest import choose, make_due

pytestmark = [pytest.mark.integration, pytest.mark.django_db(transaction=True)]


def _psoas():
    return ensure_psoas_library()


@pytest.fixture
def reminded(patient, pt):
    """The cast's patient on the psoas plan, with an 08:00 email reminder every day."""
    plan_assign_template(therapist=pt, patient=patient, template=_psoas())
    choose(patient)
    return patient


def _status(delivery_id: int) -> ReminderDelivery:
    return ReminderDelivery.objects.get(pk=delivery_id)


def test_worker_sends_a_due_reminder_to_the_smtp_sink_once(
    celery_session_worker, reminded, mailbox
):
    # given: an 08:00 reminder that is due now
    make_due(reminded)
    # when: the sweep runs; it enqueues the send only after its transaction commits
    result = reminders_sweep()
    assert (result.created, result.messages) == (1, 1)
    # then: the worker sends it through SMTP and records it
    [message] = mailbox.wait_for(reminded.email)
    assert "Alex" in text_body(message)
    delivery = ReminderDelivery.objects.get(patient=reminded)
    wait_until(lambda: _status(delivery.pk).status == "sent")
    # and a second sweep in the same minute sends nothing more
    assert reminders_sweep().created == 0


def test_failing_smtp_is_retried_with_backoff_then_recorded_as_failed(
    celery_session_worker, reminded, mailbox, settings
):
    settings.MAILERS = {
        "default": {
            "BACKEND": "django.core.mail.backends.smtp.EmailBackend",
            "OPTIONS": {"host": "127.0.0.1", "port": free_port(), "timeout": 2},
        }
    }
    settings.REMINDERS_RETRY_BASE_SECONDS = 0.2
    settings.REMINDERS_MAX_ATTEMPTS = 3
    make_due(reminded)
    reminders_sweep()
    delivery = ReminderDelivery.objects.get(patient=reminded)
    wait_until(lambda: _status(delivery.pk).status == "failed", timeout=30)
    delivery.refresh_from_db()
    assert (delivery.attempts, delivery.reason) == (3, "provider_error")
    assert "ConnectionRefusedError" in delivery.last_error
    assert mailbox.to(reminded.email) == []


class _FlakyProvider(BaseHTTPRequestHandler):
    """An SMS provider that fails the first `failures` requests with 503."""

    failures = 2
    received: list[dict]

    def do_POST(self) -> None:
        body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
        self.server.hits += 1  # type: ignore[attr-defined]
        self.server.keys.append(self.headers["Idempotency-Key"])  # type: ignore[attr-defined]
        assert self.headers["Authorization"] == "Bearer test-token"
        if self.server.hits <= self.failures:  # type: ignore[attr-defined]
            self.send_response(503)
        else:
            self.server.received.append(body)  # type: ignore[attr-defined]
            self.send_response(200)
        self.end_headers()

    def log_message(self, *args: object) -> None:
        return None


@pytest.fixture
def sms_provider():
    server = ThreadingHTTPServer(("127.0.0.1", 0), _FlakyProvider)
    server.hits = 0  # type: ignore[attr-defined]
    server.received = []  # type: ignore[attr-defined]
    server.keys = []  # type: ignore[attr-defined]
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield server
    server.shutdown()


def test_sms_through_the_http_provider_is_retried_until_it_takes_it(
    celery_session_worker, reminded, mailbox, settings, sms_provider
):
    settings.SMS_BACKEND = "programs.sms.HttpSmsBackend"
    settings.SMS_HTTP_URL = f"http://127.0.0.1:{sms_provider.server_port}/messages"
    settings.SMS_HTTP_TOKEN = "test-token"
    settings.REMINDERS_RETRY_BASE_SECONDS = 0.2
    PatientProfile.objects.filter(user=reminded).update(phone="+15551234567")
    reminded.refresh_from_db()
    choose(reminded, channel="both")
    make_due(reminded)
    reminders_sweep()
    delivery = ReminderDelivery.objects.get(patient=reminded)
    wait_until(lambda: _status(delivery.pk).status == "sent", timeout=30)
    delivery.refresh_from_db()
    assert delivery.attempts == 3 and delivery.sms_sent_at and delivery.email_sent_at
    assert sms_provider.hits == 3
    assert sms_provider.keys == [f"reminder-{delivery.pk}@127.0.0.1"] * 3
    [sms] = sms_provider.received
    assert sms["to"] == "+15551234567"
    assert "Alex" in sms["body"] and "/today/" in sms["body"]
    # the email went out once although the task ran three times
    assert len(mailbox.to(reminded.email)) == 1


def _patients_with_due_reminders(count: int, pt: User) -> list[User]:
    psoas = _psoas()
    now = timezone.now()
    patients = []
    for n in range(count):
        patient = factories.PatientFactory(email=f"kill{n}@example.test", password=None)
        factories.CareTeamLinkFactory(patient=patient, therapist=pt)
        plan_assign_template(therapist=pt, patient=patient, template=psoas)
        reminder_settings_update(
            patient=patient,
            choices=ReminderChoices(
                enabled=True,
                weekdays=list(range(7)),
                times=[time(8)],
                time_zone="America/New_York",
                channel="email",
            ),
        )
        make_due(patient, at=now)
        patients.append(patient)
    return patients


def test_worker_killed_mid_batch_and_restarted_sends_each_reminder_exactly_once(
    pt, mailbox, tmp_path
):
    count = 120
    patients = _patients_with_due_reminders(count, pt)
    queue = f"kill-{uuid.uuid4().hex[:8]}"
    from django.conf import settings

    env = process_env(
        queue=queue,
        redis_url=settings.REDIS_URL,
        email_port=mailbox.port,
        CELERY_VISIBILITY_TIMEOUT="3",
        REMINDERS_SEND_BATCH="20",
    )
    log = tmp_path / "worker.log"
    # when: a sweep (its own process) enqueues 6 messages of 20 ids; a worker starts sending
    sweep = sweep_in_process(env)
    out, err = sweep.communicate(timeout=60)
    assert sweep.returncode == 0, err
    assert json.loads(out)["created"] == count
    worker = start_worker(env, log)
    try:
        wait_until(lambda: len(mailbox.messages) >= 10, timeout=60, interval=0.005)
        kill(worker)  # SIGKILL, mid-batch
        sent_before_restart = len(mailbox.messages)
        assert sent_before_restart < count, "the worker finished before it could be killed"
        worker = start_worker(env, log)
        wait_until(lambda: len(mailbox.messages) >= count, timeout=90)
        wait_until(
            lambda: not ReminderDelivery.objects.filter(status="pending").exists(), timeout=30
        )
    finally:
        stop(worker)
    # then: every patient got their reminder, counted at the SMTP sink: one Message-ID each
    # (its delivery's), and none missed.
    ids_per_address: dict[str, set[str]] = defaultdict(set)
    for message in mailbox.messages:
        ids_per_address[message["To"]].add(message["Message-ID"])
    assert set(ids_per_address) == {p.email for p in patients}
    assert {len(ids) for ids in ids_per_address.values()} == {1}
    assert ReminderDelivery.objects.filter(status="sent").count() == count
    # A raw second copy can only come from a send the SMTP server had accepted before SIGKILL
    # but whose record had not yet committed: each hand-over is recorded before the next, so
    # at most one per pool process (2).
    resent = len(mailbox.messages) - count
    print(f"killed after {sent_before_restart} sends; raw resends: {resent}")
    assert resent <= 2 * 1, Counter(m["To"] for m in mailbox.messages).most_common(3)


def test_redis_restarted_mid_batch_loses_queued_messages_and_the_sweep_requeues_them(
    pt, mailbox, tmp_path
):
    count = 120
    patients = _patients_with_due_reminders(count, pt)
    redis_port = free_port()
    redis = start_redis(redis_port)
    env = process_env(
        queue=f"redis-{uuid.uuid4().hex[:8]}",
        redis_url=f"redis://127.0.0.1:{redis_port}/0",
        email_port=mailbox.port,
        REMINDERS_SEND_BATCH="20",
        REMINDERS_REQUEUE_AFTER_SECONDS="2",
    )
    worker = None
    try:
        sweep = sweep_in_process(env)
        out, err = sweep.communicate(timeout=60)
        assert sweep.returncode == 0, err
        assert json.loads(out)["created"] == count
        worker = start_worker(env, tmp_path / "worker.log")
        wait_until(lambda: len(mailbox.messages) >= 10, timeout=60, interval=0.005)
        # when: Redis dies mid-batch (no persistence: the queued messages are gone) and returns
        kill(redis)
        sent_at_restart = len(mailbox.messages)
        redis = start_redis(redis_port)
        assert sent_at_restart < count, "the batch finished before Redis was restarted"

        # then: the next sweeps (beat runs one a minute) enqueue what is still unsent
        def swept_and_done() -> bool:
            again = sweep_in_process(env)
            again.communicate(timeout=60)
            return not ReminderDelivery.objects.filter(status="pending").exists()

        wait_until(swept_and_done, timeout=120, interval=2.5)
    finally:
        if worker is not None:
            stop(worker)
        stop(redis)
    ids_per_address: dict[str, set[str]] = defaultdict(set)
    for message in mailbox.messages:
        ids_per_address[message["To"]].add(message["Message-ID"])
    assert set(ids_per_address) == {p.email for p in patients}
    assert {len(ids) for ids in ids_per_address.values()} == {1}
    assert ReminderDelivery.objects.filter(status="sent").count() == count
    resent = len(mailbox.messages) - count
    print(f"Redis restarted after {sent_at_restart} sends; raw resends: {resent}")
    assert resent <= 2


def test_two_sweeps_in_two_processes_at_once_create_each_delivery_once(db, mailbox):
    now = timezone.now()
    users = User.objects.bulk_create(
        [User(email=f"sweep{n}@example.test", first_name="S", last_name="W") for n in range(3000)]
    )
    ReminderSchedule.objects.bulk_create(
        [
            ReminderSchedule(
                patient=u,
                local_time=time(8),
                time_zone=("America/New_York", "Pacific/Tongatapu", "Asia/Kolkata")[u.pk % 3],
                next_local_date=now.date(),
                next_due_at=now,
            )
            for u in users
        ]
    )
    from django.conf import settings

    env = process_env(
        queue=f"sweeps-{uuid.uuid4().hex[:8]}", redis_url=settings.REDIS_URL, email_port=1
    )
    # two "beats" sweep the same minute at the same time, batch by batch
    first, second = sweep_in_process(env), sweep_in_process(env)
    results = []
    for process in (first, second):
        out, err = process.communicate(timeout=120)
        assert process.returncode == 0, err
        results.append(json.loads(out))
    assert sum(r["created"] for r in results) == 3000
    assert sum(r["claimed"] for r in results) == 3000
    assert ReminderDelivery.objects.count() == 3000
    assert ReminderDelivery.objects.values("patient").distinct().count() == 3000
    assert not ReminderSchedule.objects.filter(next_due_at__lte=now).exists()


def test_beat_entry_runs_the_sweep_task_on_the_worker(celery_session_worker, reminded, mailbox):
    from django.conf import settings

    from therapy.celery import app

    entry = settings.CELERY_BEAT_SCHEDULE["reminders-sweep"]
    assert entry["task"] in app.tasks
    make_due(reminded)
    app.tasks[entry["task"]].delay()
    mailbox.wait_for(reminded.email)
    wait_until(lambda: ReminderDelivery.objects.filter(patient=reminded, status="sent").exists())
