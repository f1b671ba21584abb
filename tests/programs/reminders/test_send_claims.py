"""Who may send a pending reminder: the claim a send call puts on its batch (PostgreSQL).

A claim whose holder is alive is never taken; a claim whose holder died is free at once,
whatever other send calls are doing at the same moment.
"""

import secrets
from contextlib import contextmanager
from datetime import time, timedelta

import psycopg
import pytest
from django.db import connection
from django.utils import timezone

from programs.models import ReminderDelivery
from programs.services.reminders import _CLAIM_SQL, _claim
from tests import factories

# PostgreSQL only, as every test here (the advisory locks are PostgreSQL's).
pytestmark = pytest.mark.django_db(transaction=True)


@contextmanager
def _other_session():
    """A second database session, as another worker process would have."""
    db = connection.settings_dict
    with psycopg.connect(
        dbname=db["NAME"],
        user=db["USER"],
        host=db["HOST"] or "127.0.0.1",
        port=db["PORT"] or 5432,
        password=db["PASSWORD"] or None,
        autocommit=True,
    ) as other:
        yield other


def _batch(count: int, *, token: int | None, start: int) -> list[int]:
    """`count` pending deliveries, claimed by `token` (None: never claimed)."""
    now = timezone.now()
    rows = []
    for n in range(start, start + count):
        patient = factories.PatientFactory(email=f"claim{n}@example.test")
        rows.append(
            ReminderDelivery(
                patient=patient,
                slot_at=now - timedelta(minutes=n),
                local_date=now.date(),
                local_time=time(8),
                claim_token=token,
                claimed_at=now if token else None,
            )
        )
    return [d.id for d in ReminderDelivery.objects.bulk_create(rows)]


def test_a_claim_whose_holder_died_is_taken_while_another_batch_is_being_claimed():
    # given: batch A was claimed by a worker that was killed (nobody holds its token now),
    # and a live worker is inside the transaction of its own claim, for batch B
    batch_a = _batch(5, token=secrets.randbits(62) + 1, start=0)
    batch_b = _batch(5, token=None, start=5)
    live_token = secrets.randbits(62) + 1
    with _other_session() as other:
        # A sequential scan is what the planner picks for a small table; who may claim must
        # not depend on the plan.
        other.execute("SET enable_indexscan = off")
        other.execute("SET enable_bitmapscan = off")
        other.execute("SELECT pg_advisory_lock(%s)", [live_token])
        with other.transaction():
            claimed_b = other.execute(_CLAIM_SQL, [batch_b, live_token, timezone.now()])
            assert sorted(row[0] for row in claimed_b.fetchall()) == sorted(batch_b)
            # when: the redelivered task for batch A claims it meanwhile
            taken = _claim(delivery_ids=batch_a, token=secrets.randbits(62) + 1, now=timezone.now())
    # then: it gets the whole batch (before the fix, the live claim's statement had locked
    # every claim token in the table, batch A's too, and batch A waited for the next sweep)
    assert taken == sorted(batch_a)


def test_a_claim_whose_holder_is_alive_is_never_taken():
    # given: a live send call holds batch A's claim (its session lock), in another session
    live_token = secrets.randbits(62) + 1
    batch_a = _batch(3, token=live_token, start=0)
    batch_b = _batch(2, token=None, start=3)
    with _other_session() as other:
        other.execute("SELECT pg_advisory_lock(%s)", [live_token])
        # when: a duplicated task asks for the same rows and two more
        taken = _claim(
            delivery_ids=batch_a + batch_b, token=secrets.randbits(62) + 1, now=timezone.now()
        )
        # then: it gets only the unclaimed ones
        assert taken == sorted(batch_b)
        assert set(
            ReminderDelivery.objects.filter(pk__in=batch_a).values_list("claim_token", flat=True)
        ) == {live_token}
    # and once the holder's session ends (its worker died), the claim is free
    assert _claim(delivery_ids=batch_a, token=7, now=timezone.now()) == sorted(batch_a)


def test_a_delivery_no_longer_pending_is_never_claimed():
    [sent] = _batch(1, token=None, start=0)
    ReminderDelivery.objects.filter(pk=sent).update(status=ReminderDelivery.Status.SENT)
    assert _claim(delivery_ids=[sent], token=9, now=timezone.now()) == []
