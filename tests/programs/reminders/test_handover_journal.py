"""The hand-over journal (docs/reminders.md, "Exactly once"): a batch's outcomes are recorded
by one statement at its end, and each hand-over is noted in Redis the moment it succeeds, so
whoever takes over a batch whose sender stopped before that statement hands nothing over twice.
"""

from unittest import mock

import pytest
import redis

from programs.models import ReminderDelivery
from programs.services import reminders
from programs.services.reminders import deliveries_send, reminders_sweep
from tests.programs.reminders.test_batch_send import _due_patients

pytestmark = pytest.mark.django_db


class SenderDied(Exception):
    """Stands for a worker that stops between its hand-overs and the batch's record."""


def _stopped_before_the_record(ids: list[int]) -> None:
    with (
        mock.patch.object(reminders, "_outcomes_record", side_effect=SenderDied),
        pytest.raises(SenderDied),
    ):
        deliveries_send(delivery_ids=ids)


def test_a_batch_whose_sender_stopped_before_its_record_is_not_handed_over_again(pt, mailbox):
    patients = _due_patients(pt, 3)
    reminders_sweep()
    ids = list(ReminderDelivery.objects.values_list("id", flat=True))
    _stopped_before_the_record(ids)
    assert sorted(m["To"] for m in mailbox.messages) == sorted(p.email for p in patients)
    # nothing reached the database: still pending, still claimed by the stopped sender
    assert set(ReminderDelivery.objects.values_list("status", flat=True)) == {"pending"}
    assert not ReminderDelivery.objects.filter(claim_token__isnull=True).exists()

    # the redelivered task claims the batch (its holder's lock is gone) and reads the journal
    assert deliveries_send(delivery_ids=ids) == []
    assert len(mailbox.messages) == 3
    rows = ReminderDelivery.objects.all()
    assert {(r.status, r.claim_token) for r in rows} == {("sent", None)}
    assert all(r.email_sent_at is not None for r in rows)
    # recorded, so the journal is emptied
    client = redis.Redis.from_url(reminders.settings.REDIS_URL)
    assert client.keys("reminder-handed:*") == []


def test_without_the_journal_each_hand_over_is_recorded_at_once(pt, mailbox, monkeypatch):
    _due_patients(pt, 2)
    reminders_sweep()
    ids = list(ReminderDelivery.objects.values_list("id", flat=True))
    # Redis unreachable: a port nobody listens on
    monkeypatch.setattr(
        reminders._HandOverJournal,
        "_client",
        redis.Redis(host="127.0.0.1", port=1, socket_connect_timeout=0.2),
    )
    _stopped_before_the_record(ids)
    assert len(mailbox.messages) == 2
    assert set(ReminderDelivery.objects.values_list("status", flat=True)) == {"sent"}
    assert deliveries_send(delivery_ids=ids) == []
    assert len(mailbox.messages) == 2


def test_a_batch_is_recorded_by_one_statement_whatever_its_size(pt, mailbox):
    _due_patients(pt, 5)
    reminders_sweep()
    ids = list(ReminderDelivery.objects.values_list("id", flat=True))
    with (
        mock.patch.object(
            reminders, "_outcomes_record", wraps=reminders._outcomes_record
        ) as batch_record,
        mock.patch.object(reminders, "_outcome_record") as one_record,
    ):
        deliveries_send(delivery_ids=ids)
    assert one_record.call_count == 0
    assert batch_record.call_count == 1
    assert len(batch_record.call_args.args[0]) == 5
    assert set(ReminderDelivery.objects.values_list("status", flat=True)) == {"sent"}
    assert len(mailbox.messages) == 5
