"""Celery queues per kind (therapy/queues.py) with real worker processes: a worker started with
`-Q <queue>.reminders` takes only the reminders, and the other kinds wait on their own queues
until a worker for them runs."""

import pytest
import redis
from django.conf import settings
from django.core.files.base import ContentFile
from django.urls import reverse

from accounts.models import Invitation, RosterImport
from accounts.services.enrolment import invitation_create
from programs.models import ReminderDelivery
from programs.services.plans import plan_assign_template
from programs.services.reminders import reminders_sweep
from tests.conftest import client_for
from tests.factories import TherapistFactory, roster_csv, roster_person
from tests.integration.processes import process_env, start_worker, stop, wait_until
from tests.programs.history import ensure_psoas_library
from tests.programs.reminders.conftest import choose, make_due
from therapy.celery import app as celery_app
from therapy.queues import queue_names

pytestmark = [pytest.mark.integration, pytest.mark.django_db(transaction=True)]


def _purge(names: list[str]) -> None:
    with celery_app.connection_for_write() as conn:
        for name in names:
            conn.default_channel.queue_purge(name)


def test_each_kind_waits_on_its_own_queue_until_a_worker_for_it_runs(
    patient, pt, employer_admin, mailbox, tmp_path
):
    # The tests' own queues, which this process routes to (tests/conftest.py). No in-thread
    # worker runs yet: the tests that start one run last.
    default = celery_app.conf.task_default_queue
    reminders, imports, email = (f"{default}.{kind}" for kind in ("reminders", "imports", "email"))
    names = queue_names(default)
    _purge(names)
    client = redis.Redis.from_url(settings.REDIS_URL)
    env = process_env(queue=default, redis_url=settings.REDIS_URL, email_port=mailbox.port)
    workers = []
    try:
        # given: one task of each kind, queued by the services as in production
        plan_assign_template(therapist=pt, patient=patient, template=ensure_psoas_library())
        choose(patient)
        make_due(patient)
        assert reminders_sweep().messages == 1
        inviter = TherapistFactory(therapist_profile__license_state="NY")
        invitation = invitation_create(
            invited_by=inviter, email="kai@example.test", first_name="Kai", last_name="Moreno"
        )
        rows = [roster_person(i) for i in range(3)]
        upload = ContentFile(roster_csv(rows), name="roster.csv")
        assert client_for(employer_admin).post(reverse("employer:imports"), {"file": upload})
        celery_app.send_task("programs.tasks.programs_alerts_escalate_task")
        assert {name: client.llen(name) for name in names} == dict.fromkeys(names, 1)

        # when: a worker runs on the reminders queue only
        workers.append(start_worker(env, tmp_path / "reminders.log", queues=[reminders]))
        # then: it sends the reminder, and the other kinds stay on their queues
        mailbox.wait_for(patient.email, timeout=30)  # a worker takes seconds to start
        wait_until(lambda: ReminderDelivery.objects.get(patient=patient).status == "sent")
        assert [client.llen(name) for name in (default, imports, email)] == [1, 1, 1]
        assert mailbox.to("kai@example.test") == []
        assert RosterImport.objects.get().status == "pending"

        # when: a worker runs on the email and imports queues
        workers.append(start_worker(env, tmp_path / "others.log", queues=[email, imports]))
        # then: the invitation goes and the roster is applied; the default queue's task waits
        mailbox.wait_for("kai@example.test", timeout=30)
        wait_until(lambda: Invitation.objects.get(pk=invitation.pk).emailed_at is not None)
        wait_until(lambda: RosterImport.objects.get().status == "applied", timeout=20)
        assert client.llen(default) == 1
    finally:
        for worker in workers:
            stop(worker)
        _purge(names)


def test_the_session_worker_consumes_every_queue(celery_session_worker):
    consumed = {queue.name for queue in celery_session_worker.consumer.task_consumer.queues}
    assert consumed == set(queue_names(celery_app.conf.task_default_queue))
