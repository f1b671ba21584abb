"""Reminder writes: the patient's choices, the minute sweep, and the idempotent send.

When is a day "done"? A reminder is skipped as `session_done` when, on the slot's local day,
the patient's exercise session is finished, or every exercise due that day is completed
(`today_for_patient(now=slot).all_done`). It is skipped as `nothing_due` when the plan has no
exercise due that day. Other skips: reminders off, unsubscribed, paused, discharged (no active
plan and no active care-team link), no active plan, during quiet hours at send time, too late
(more than REMINDERS_STALE_AFTER after the slot), SMS-only without a phone number.
"""

import logging
import secrets
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, replace
from datetime import datetime, time, timedelta
from functools import partial
from typing import Any

import psycopg
import redis
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.mail.backends.base import BaseEmailBackend
from django.db import DatabaseError, connection, transaction
from django.db.models import Case, Q, QuerySet, Value, When
from django.utils import timezone

from accounts.models import User, validate_time_zone
from programs import notifications, reminders_times
from programs.models import (
    ReminderChannel,
    ReminderDelivery,
    ReminderSchedule,
    ReminderSettings,
)
from programs.push import PushProviderError, push_enabled
from programs.selectors.reminders import (
    PendingDelivery,
    deliveries_pending,
    reminders_skip_reasons,
)
from programs.services.push import reminder_push_send
from programs.sms import SmsBackend, SmsProviderError, sms_backend
from therapy.celery import task_send
from therapy.errors import ApplicationError

logger = logging.getLogger(__name__)

MAX_TIMES = 6
Reason = ReminderDelivery.Reason
# The API's answer for field errors, as it was when these were Django ValidationErrors.
NOT_VALID = "Some fields are not valid."


# --- the patient's choices ---------------------------------------------------------------
@dataclass(frozen=True)
class ReminderChoices:
    enabled: bool
    weekdays: list[int]
    times: list[time]
    time_zone: str
    channel: str
    quiet_start: time | None = None
    quiet_end: time | None = None
    pause_days: int | None = None  # None: leave as is; 0: resume now; n: pause n days


def _validate(*, patient: User, choices: ReminderChoices) -> None:
    errors: dict[str, list[str]] = {}
    try:
        validate_time_zone(choices.time_zone)
    except ValidationError as exc:
        errors["time_zone"] = exc.messages
    if choices.enabled and not choices.weekdays:
        errors["weekdays"] = ["Choose at least one day."]
    if any(not 0 <= d <= 6 for d in choices.weekdays):
        errors["weekdays"] = ["Days are numbers from 0 (Monday) to 6 (Sunday)."]
    if choices.enabled and not choices.times:
        errors["times"] = ["Add at least one time."]
    elif len(choices.times) > MAX_TIMES:
        errors["times"] = [f"Choose at most {MAX_TIMES} times a day."]
    elif len(set(choices.times)) != len(choices.times):
        errors["times"] = ["Each time can be listed only once."]
    elif any(t.second or t.microsecond for t in choices.times):
        errors["times"] = ["Use whole minutes, such as 07:30."]
    if choices.channel not in ReminderChannel.values:
        errors["channel"] = ["Choose email, text message, both, or notifications."]
    elif (
        choices.channel in (ReminderChannel.SMS, ReminderChannel.BOTH)
        and not patient.patient_profile.phone
    ):
        errors["channel"] = ["Add a phone number to your profile first to get text messages."]
    elif choices.channel == ReminderChannel.PUSH and not push_enabled():
        # No VAPID key pair configured: no browser could subscribe, so every "push" reminder
        # would quietly go by email instead.
        errors["channel"] = [
            "Notifications on your devices are not offered here. Choose email or text message."
        ]
    if (choices.quiet_start is None) != (choices.quiet_end is None):
        errors["quiet_end" if choices.quiet_end is None else "quiet_start"] = [
            "Give both the start and the end of your quiet hours, or neither."
        ]
    elif "times" not in errors:
        noisy = [
            t.strftime("%H:%M")
            for t in choices.times
            if reminders_times.in_quiet_hours(t, choices.quiet_start, choices.quiet_end)
        ]
        if noisy:
            errors["times"] = [f"{', '.join(noisy)} falls in your quiet hours."]
    if choices.pause_days is not None and not 0 <= choices.pause_days <= 90:
        errors["pause_days"] = ["Pause for 0 to 90 days."]
    if errors:
        raise ApplicationError(NOT_VALID, errors=errors)


@transaction.atomic
def reminder_settings_update(
    *, patient: User, choices: ReminderChoices, now: datetime | None = None
) -> ReminderSettings:
    """Save the patient's choices and bring their schedule rows in line. Saving turns an
    earlier unsubscribe off again: it is an explicit choice made while logged in."""
    if not patient.is_patient:
        raise ApplicationError(
            NOT_VALID, errors={"non_field_errors": ["Only patients have reminders."]}
        )
    _validate(patient=patient, choices=choices)
    now = now or timezone.now()
    # One source of truth for a patient's zone: their profile. Choosing a zone here changes it.
    profile = patient.patient_profile
    if profile.time_zone != choices.time_zone:
        profile.time_zone = choices.time_zone
        profile.save(update_fields=["time_zone", "updated_at"])
    prefs, _ = ReminderSettings.objects.select_for_update().get_or_create(
        patient=patient, defaults={"time_zone": choices.time_zone}
    )
    prefs.enabled = choices.enabled
    prefs.weekdays = reminders_times.weekday_mask(choices.weekdays)
    prefs.time_zone = choices.time_zone
    prefs.channel = choices.channel
    prefs.quiet_start, prefs.quiet_end = choices.quiet_start, choices.quiet_end
    if choices.pause_days is not None:
        prefs.paused_until = (
            now + timedelta(days=choices.pause_days) if choices.pause_days else None
        )
    prefs.unsubscribed_at = None
    prefs.save()
    _schedules_sync(prefs=prefs, times=choices.times, now=now)
    return prefs


def _schedules_sync(*, prefs: ReminderSettings, times: list[time], now: datetime) -> None:
    enabled = prefs.enabled and prefs.unsubscribed_at is None and bool(prefs.weekdays)
    existing = {
        s.local_time: s
        for s in ReminderSchedule.objects.select_for_update().filter(patient_id=prefs.patient_id)
    }
    ReminderSchedule.objects.filter(patient_id=prefs.patient_id).exclude(
        local_time__in=times
    ).delete()
    for at in times:
        row = existing.get(at)
        if (
            row is not None
            and row.time_zone == prefs.time_zone
            and row.weekdays == prefs.weekdays
            and row.enabled
        ):
            row.enabled = enabled  # keep a due instant not yet swept: it must not be lost
            row.save(update_fields=["enabled"])
            continue
        if not prefs.weekdays:
            continue
        day, due = reminders_times.next_occurrence(
            at=at,
            time_zone=prefs.time_zone,
            weekdays=prefs.weekdays,
            after_date=None,
            not_before=now,
        )
        ReminderSchedule.objects.update_or_create(
            patient_id=prefs.patient_id,
            local_time=at,
            defaults={
                "time_zone": prefs.time_zone,
                "weekdays": prefs.weekdays,
                "next_local_date": day,
                "next_due_at": due,
                "enabled": enabled,
            },
        )


@transaction.atomic
def reminders_follow_profile_zone(*, patient_id: int, now: datetime | None = None) -> bool:
    """The patient changed the zone in their profile: move their reminders to it, keeping the
    same local times. Returns False when nothing had to change (safe to run twice)."""
    prefs = (
        ReminderSettings.objects.select_for_update(of=("self",))
        .select_related("patient__patient_profile")
        .filter(patient_id=patient_id)
        .first()
    )
    if prefs is None or prefs.time_zone == prefs.patient.patient_profile.time_zone:
        return False
    prefs.time_zone = prefs.patient.patient_profile.time_zone
    prefs.save(update_fields=["time_zone"])
    times = list(
        ReminderSchedule.objects.filter(patient_id=patient_id).values_list("local_time", flat=True)
    )
    _schedules_sync(prefs=prefs, times=times, now=now or timezone.now())
    return True


@transaction.atomic
def reminders_unsubscribe(*, patient_id: int, now: datetime | None = None) -> bool:
    """Stop all reminders of a patient (the signed link). Returns False for an unknown id."""
    prefs = ReminderSettings.objects.select_for_update().filter(patient_id=patient_id).first()
    if prefs is None:
        return User.objects.filter(pk=patient_id, role=User.Role.PATIENT).exists()
    if prefs.unsubscribed_at is None:
        prefs.unsubscribed_at = now or timezone.now()
        prefs.save(update_fields=["unsubscribed_at", "updated_at"])
    ReminderSchedule.objects.filter(patient_id=patient_id).update(enabled=False)
    return True


# --- the sweep ---------------------------------------------------------------------------
@dataclass
class SweepResult:
    claimed: int = 0
    created: int = 0
    requeued: int = 0
    messages: int = 0


def _enqueue(delivery_ids: list[int], result: SweepResult) -> None:

    size = settings.REMINDERS_SEND_BATCH
    for start in range(0, len(delivery_ids), size):
        task_send("programs.tasks.reminders_send_task", delivery_ids[start : start + size])
        result.messages += 1


_CLAIM_COLUMNS = ("id", "patient_id", "local_time", "time_zone", "weekdays", "next_local_date")


def claim_query(*, now: datetime, limit: int) -> QuerySet:
    """Due rows through the partial index, skipping rows another sweep holds."""
    return (
        ReminderSchedule.objects.filter(enabled=True, next_due_at__lte=now)
        .order_by("next_due_at")
        .select_for_update(skip_locked=True)
        .values_list(*_CLAIM_COLUMNS, "next_due_at")[:limit]
    )


# One statement per batch on PostgreSQL: claim the due rows (claim_query), move each to its
# next local occurrence with the SQL twin of reminders_times.next_occurrence (migration
# 0017, held equal to it by tests), and insert one pending delivery per (patient, slot);
# a delivery that already exists inserts nothing. Returns how many rows it claimed and the
# new deliveries' ids. Nothing crosses to Python but those ids.
_SWEEP_SQL = """
WITH due AS ({claim}),
moved AS (
    -- by primary key (= ANY of an array), never a join the planner could hash over the table
    UPDATE programs_reminderschedule AS s
    SET (next_local_date, next_due_at) = (
        SELECT n.day, n.due FROM reminders_next_occurrence(
            s.local_time, s.time_zone, s.weekdays, s.next_local_date, %s
        ) AS n
    )
    WHERE s.id = ANY(ARRAY(SELECT id FROM due))
),
created AS (
    INSERT INTO programs_reminderdelivery (patient_id, slot_at, local_date, local_time,
        status, reason, channel, attempts, last_error, created_at, enqueued_at)
    SELECT patient_id, next_due_at, next_local_date, local_time, 'pending', '', '', 0, '',
        %s, %s
    FROM due
    ON CONFLICT (patient_id, slot_at) DO NOTHING
    RETURNING id
)
SELECT (SELECT count(*) FROM due), ARRAY(SELECT id FROM created ORDER BY id)
"""


def sweep_statement(*, now: datetime, limit: int) -> tuple[str, list[Any]]:
    """The sweep's statement for one batch on PostgreSQL, with its parameters."""
    claim, claim_params = claim_query(now=now, limit=limit).query.sql_with_params()
    return _SWEEP_SQL.format(claim=claim), [*claim_params, now, now, now]


def _sweep_batch(*, now: datetime, limit: int) -> tuple[int, list[int]]:
    """Claim up to `limit` due rows, advance them and record their deliveries (one batch, in
    the caller's transaction). Returns (rows claimed, ids of the deliveries created)."""
    if connection.vendor != "postgresql":
        rows = list(claim_query(now=now, limit=limit))
        return len(rows), _advance_and_record(rows, now=now) if rows else []
    connection.ensure_connection()
    # Server-side binding: the parameters go as they are, not quoted into the SQL text.
    with psycopg.Cursor(connection.connection) as cursor:
        cursor.execute(*sweep_statement(now=now, limit=limit))
        row = cursor.fetchone()
    assert row is not None  # an aggregate query answers one row
    return row[0], row[1]


def _advance_and_record(rows: list[tuple], *, now: datetime) -> list[int]:
    """The embedded default (SQLite): move each claimed row to its next local occurrence and
    insert one pending delivery per (patient, slot) through the ORM; conflicts insert nothing."""
    schedules = []
    for row_id, _patient, at, zone, weekdays, local_date, _slot in rows:
        day, due = reminders_times.next_occurrence(
            at=at, time_zone=zone, weekdays=weekdays, after_date=local_date, not_before=now
        )
        schedules.append(ReminderSchedule(id=row_id, next_local_date=day, next_due_at=due))
    ReminderSchedule.objects.bulk_update(schedules, ["next_local_date", "next_due_at"])
    ReminderDelivery.objects.bulk_create(
        [
            ReminderDelivery(
                patient_id=r[1],
                slot_at=r[6],
                local_date=r[5],
                local_time=r[2],
                created_at=now,
                enqueued_at=now,
            )
            for r in rows
        ],
        ignore_conflicts=True,
    )
    return list(
        ReminderDelivery.objects.filter(
            patient_id__in={r[1] for r in rows},
            enqueued_at=now,
            status=ReminderDelivery.Status.PENDING,
        ).values_list("id", flat=True)
    )


def reminders_sweep(
    *, now: datetime | None = None, batch_size: int | None = None, max_batches: int = 1000
) -> SweepResult:
    """Claim due schedule rows batch by batch (each batch one transaction), record one
    delivery per slot, and after each commit enqueue the sends in batches of ids."""
    now = now or timezone.now()
    batch_size = batch_size or settings.REMINDERS_SWEEP_BATCH
    result = SweepResult()
    for _ in range(max_batches):
        with transaction.atomic():
            claimed, created = _sweep_batch(now=now, limit=batch_size)
            result.claimed += claimed
            result.created += len(created)
            if created:
                transaction.on_commit(partial(_enqueue, created, result))
        if claimed < batch_size:
            break
    result.requeued = _requeue_unsent(now=now, result=result)
    return result


@transaction.atomic
def _requeue_unsent(*, now: datetime, result: SweepResult) -> int:
    """Deliveries still pending long after they were enqueued (a lost message, a broker that
    restarted) are enqueued again; the send task's row lock keeps them to one send."""
    cutoff = now - timedelta(seconds=settings.REMINDERS_REQUEUE_AFTER_SECONDS)
    ids = list(
        ReminderDelivery.objects.filter(
            status=ReminderDelivery.Status.PENDING, enqueued_at__lt=cutoff
        )
        .order_by("enqueued_at")
        .select_for_update(skip_locked=True)
        .values_list("id", flat=True)[: settings.REMINDERS_SWEEP_BATCH]
    )
    if ids:
        ReminderDelivery.objects.filter(id__in=ids).update(enqueued_at=now)
        transaction.on_commit(partial(_enqueue, ids, result))
    return len(ids)


# --- the send ----------------------------------------------------------------------------
def delivery_send(*, delivery_id: int, now: datetime | None = None) -> bool:
    """Send one delivery at most once. Returns True when it should be retried later."""
    return bool(deliveries_send(delivery_ids=[delivery_id], now=now))


def deliveries_send(*, delivery_ids: list[int], now: datetime | None = None) -> list[int]:
    """Send a batch of deliveries, each at most once; returns the ids that hit a provider
    error and should be retried.

    Built for batches (docs/reminders.md, "How it runs"):
    1. one statement claims the batch's pending deliveries for this call (`_claim`), which
       holds the claim's token as an advisory lock while it runs;
    2. one query loads them with each patient's settings, the skip rules run for the whole
       batch in a few queries (`reminders_skip_reasons`), and one statement records the skips;
    3. every message is rendered from templates rendered once per batch
       (`notifications.ReminderTemplates`) and handed to one email connection (one SMS
       backend instance);
    4. each hand-over is noted at once in the hand-over journal (`_HandOverJournal`, one
       Redis write), and the whole batch's outcomes are recorded by one statement at the end,
       committed without waiting for the disk (`synchronous_commit = off`). A worker killed
       mid-batch leaves at most the one message it was handing over unnoted: whoever claims
       the batch next reads the journal and does not hand the others over again.
    Each channel is noted as it succeeds, so a retry after a failed SMS does not email twice.
    """
    if not delivery_ids:
        return []
    now = now or timezone.now()
    with _claim_token() as token:
        claimed = _claim(delivery_ids=delivery_ids, token=token, now=now)
        if not claimed:
            return []
        with _commits_without_fsync():
            return _send_claimed(claimed, token=token, now=now)


def _send_claimed(delivery_ids: list[int], *, token: int, now: datetime) -> list[int]:
    journal = _HandOverJournal.for_connection()
    batch = deliveries_pending(delivery_ids=delivery_ids)
    if journal is not None:
        # what a killed holder of this batch had handed over is not handed over again
        batch = journal.merged(batch)
    reasons = reminders_skip_reasons(deliveries=batch, now=now)
    _skips_record(reasons={d.id: reasons[d.id] for d in batch if reasons[d.id]}, token=token)
    to_send = [d for d in batch if not reasons[d.id]]
    if not to_send:
        return []
    templates = notifications.ReminderTemplates()
    mailer = notifications.reminder_mailer()
    sms = (
        sms_backend()
        if any(d.prefs and d.prefs.channel != ReminderChannel.EMAIL for d in to_send)
        else None
    )
    retry = []
    outcomes: list[list[Any]] = []
    noted: list[PendingDelivery] = []
    try:
        for delivery in to_send:
            outcome = _deliver(delivery, templates=templates, mailer=mailer, sms=sms)
            if outcome[-1]:
                retry.append(delivery.id)
            # noted before the next hand-over: a worker killed mid-batch resends at most the
            # one message it was handing over (docs/reminders.md, "Exactly once")
            if journal is not None and journal.note(delivery, outcome):
                noted.append(delivery)
                outcomes.append(outcome[:-1])
            else:  # no journal (SQLite), or it failed: recorded at once instead
                _outcome_record(outcome[:-1], token=token)
    finally:
        _close_quietly(mailer)
        # what was handed over is recorded even when the batch stops on an unexpected error;
        # the journal keeps it until the record has committed
        _outcomes_record(outcomes, token=token)
        if journal is not None:
            journal.forget(noted)
    return retry


# --- claiming a batch: who may send a pending delivery -------------------------------------
# A claim is the send call's random token on the row. The call holds the same token as a
# session-level PostgreSQL advisory lock from before it claims until it returns; the lock dies
# with the worker's connection, so a claim whose holder was killed is free again at once,
# while a live holder's claim is never taken (a duplicated or redelivered task skips it).
# The lock test runs only on the batch's own rows, picked first in a materialized CTE: in
# one WHERE clause the planner may test the lock before `id = ANY(...)` on every row it
# scans, and so hold (until commit) the tokens of other batches, whose claimers would then
# see them as taken although their holder is dead.
_CLAIM_SQL = """
WITH batch AS MATERIALIZED (
    SELECT id, claim_token FROM programs_reminderdelivery
    WHERE id = ANY(%s) AND status = 'pending'
    ORDER BY id  -- two claims of one batch lock its rows in the same order
    FOR UPDATE
)
UPDATE programs_reminderdelivery AS d SET claim_token = %s, claimed_at = %s
FROM batch
WHERE d.id = batch.id
    AND (batch.claim_token IS NULL OR pg_try_advisory_xact_lock(batch.claim_token))
RETURNING d.id
"""


@contextmanager
def _claim_token() -> Iterator[int]:
    token = secrets.randbits(62) + 1
    if connection.vendor != "postgresql":
        yield token
        return
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_advisory_lock(%s)", [token])
    try:
        yield token
    finally:
        try:
            with connection.cursor() as cursor:
                cursor.execute("SELECT pg_advisory_unlock(%s)", [token])
        except DatabaseError:  # the connection broke: the lock went with it
            logger.warning("could not release reminder claim %s", token, exc_info=True)


def _claim(*, delivery_ids: list[int], token: int, now: datetime) -> list[int]:
    """Claim the batch's pending deliveries that no live send call holds: one statement."""
    with transaction.atomic():
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute(_CLAIM_SQL, [list(delivery_ids), token, now])
                return sorted(row[0] for row in cursor.fetchall())
        # The embedded default (SQLite) has no advisory locks: a claim counts as abandoned
        # once it is as old as the requeue delay.
        abandoned = now - timedelta(seconds=settings.REMINDERS_REQUEUE_AFTER_SECONDS)
        claimable = ReminderDelivery.objects.filter(
            Q(claim_token__isnull=True) | Q(claimed_at__lt=abandoned),
            pk__in=delivery_ids,
            status=ReminderDelivery.Status.PENDING,
        )
        ids = sorted(claimable.values_list("id", flat=True))
        ReminderDelivery.objects.filter(pk__in=ids).update(claim_token=token, claimed_at=now)
        return ids


@contextmanager
def _commits_without_fsync() -> Iterator[None]:
    """The batch's records commit without waiting for the disk. A worker that dies loses
    nothing by it (the database has the commit); only a crash of the database server itself
    can lose the last few hundred milliseconds of records (3 x wal_writer_delay), whose
    reminders are then sent once more after it restarts (docs/reminders.md)."""
    if connection.vendor != "postgresql":
        yield
        return
    with connection.cursor() as cursor:
        cursor.execute("SELECT set_config('synchronous_commit', 'off', false)")
    try:
        yield
    finally:
        try:
            with connection.cursor() as cursor:
                cursor.execute("RESET synchronous_commit")
        except DatabaseError:
            logger.warning("could not reset synchronous_commit", exc_info=True)


def _skips_record(*, reasons: dict[int, str], token: int) -> None:
    if not reasons:
        return
    ReminderDelivery.objects.filter(
        pk__in=list(reasons), status=ReminderDelivery.Status.PENDING, claim_token=token
    ).update(
        status=ReminderDelivery.Status.SKIPPED,
        reason=Case(*(When(pk=pk, then=Value(r)) for pk, r in reasons.items())),
        finished_at=timezone.now(),
        claim_token=None,
    )


def _close_quietly(mailer: BaseEmailBackend) -> None:
    try:
        mailer.close()
    except OSError:  # a connection that already broke: nothing left to close
        logger.debug("closing a broken mail connection failed", exc_info=True)


# One statement records a hand-over, only while this call still holds the claim.
_RECORD_SQL = (
    "UPDATE programs_reminderdelivery SET attempts = %s, channel = %s, email_sent_at = %s,"
    " sms_sent_at = %s, push_sent_at = %s, status = %s, reason = %s, last_error = %s,"
    " finished_at = %s, claim_token = NULL WHERE id = %s AND claim_token = %s"
)


# One statement records a whole batch's outcomes, only where this call still holds the claim.
_RECORD_MANY_SQL = """
UPDATE programs_reminderdelivery AS d
SET attempts = v.attempts, channel = v.channel, email_sent_at = v.email_at,
    sms_sent_at = v.sms_at, push_sent_at = v.push_at, status = v.status, reason = v.reason,
    last_error = v.error, finished_at = v.finished, claim_token = NULL
FROM unnest(%s::bigint[], %s::smallint[], %s::text[], %s::timestamptz[], %s::timestamptz[],
    %s::timestamptz[], %s::text[], %s::text[], %s::text[], %s::timestamptz[])
    AS v(id, attempts, channel, email_at, sms_at, push_at, status, reason, error, finished)
WHERE d.id = v.id AND d.claim_token = %s
"""


def _outcomes_record(outcomes: list[list[Any]], *, token: int) -> None:
    """Record hand-overs, each as _outcome_record takes it, in one statement (PostgreSQL)."""
    if not outcomes:
        return
    columns = [list(column) for column in zip(*outcomes, strict=True)]
    connection.ensure_connection()
    with psycopg.Cursor(connection.connection) as cursor:
        cursor.execute(_RECORD_MANY_SQL, [*columns, token])


def _outcome_record(outcome: list[Any], *, token: int) -> None:
    """Record one hand-over: [id, attempts, channel, email_at, sms_at, push_at, status,
    reason, error, finished_at]."""
    params = [*outcome[1:], outcome[0], token]
    if connection.vendor != "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(_RECORD_SQL, params)
        return
    connection.ensure_connection()
    # Server-side binding, prepared once per connection: hundreds run per batch.
    with psycopg.Cursor(connection.connection) as cursor:
        cursor.execute(_RECORD_SQL, params, prepare=True)


# --- the hand-over journal ----------------------------------------------------------------
class _HandOverJournal:
    """Which channels of a claimed delivery were handed over, noted in Redis the moment each
    hand-over succeeds, until the batch's one record statement has committed.

    A Redis write costs the worker a fraction of a committed UPDATE and the database nothing,
    so recording stays one statement per batch while the resend bound stays one message per
    killed worker: whoever claims a killed worker's batch reads the journal first
    (`merged`) and treats what it finds as handed over. A journal write that fails (Redis
    down) falls back to recording that hand-over in the database at once. Only losing the
    journal and the worker together (Redis restarted, or its keys evicted, while a worker
    dies mid-batch) resends more than one message; docs/reminders.md, "Exactly once".
    The plain client, not Django's cache: a cache.set cost three times a Redis SET."""

    TIMEOUT = 24 * 60 * 60  # longer than any delivery stays pending (REMINDERS_STALE_AFTER)
    _client: "redis.Redis | None" = None

    def __init__(self, client: "redis.Redis") -> None:
        self.client = client

    @classmethod
    def for_connection(cls) -> "_HandOverJournal | None":
        # The embedded default (SQLite, no Redis) records each hand-over at once, as before.
        if connection.vendor != "postgresql" or not settings.REDIS_URL:
            return None
        if cls._client is None:  # one pool per process (redis-py renews it after a fork)
            # bounded waits: a Redis that hangs falls back to recording at once, not a stall
            cls._client = redis.Redis.from_url(
                settings.REDIS_URL, socket_timeout=5, socket_connect_timeout=2
            )
        return cls(cls._client)

    @staticmethod
    def _key(delivery: PendingDelivery) -> str:
        # the patient and slot too: an id reused after a database restore is another delivery
        slot = int(delivery.slot_at.timestamp())
        return f"reminder-handed:{delivery.id}:{delivery.patient_id}:{slot}"

    @staticmethod
    def _encode(handed: tuple[datetime | None, ...]) -> str:
        return ",".join("" if at is None else at.isoformat() for at in handed)

    @staticmethod
    def _decode(value: bytes | str) -> list[datetime | None]:
        text = value.decode() if isinstance(value, bytes) else value
        return [datetime.fromisoformat(at) if at else None for at in text.split(",")]

    def note(self, delivery: PendingDelivery, outcome: list[Any]) -> bool:
        """Note what this attempt handed over; True when noted (or nothing to note)."""
        handed = tuple(outcome[3:6])  # email_at, sms_at, push_at
        if handed == (delivery.email_sent_at, delivery.sms_sent_at, delivery.push_sent_at):
            return True  # nothing new went out (a provider error): the batch record will do
        try:
            self.client.set(self._key(delivery), self._encode(handed), ex=self.TIMEOUT)
        except redis.RedisError:
            logger.warning("hand-over journal unavailable; recording at once", exc_info=True)
            return False
        return True

    def merged(self, batch: list[PendingDelivery]) -> list[PendingDelivery]:
        """The batch with what the journal says was already handed over (one read)."""
        if not batch:
            return batch
        try:
            found = self.client.mget([self._key(d) for d in batch])
        except redis.RedisError:
            logger.warning("hand-over journal unreadable", exc_info=True)
            return batch
        merged = []
        for d, value in zip(batch, found, strict=True):
            if value is not None:
                email_at, sms_at, push_at = self._decode(value)
                d = replace(
                    d,
                    email_sent_at=d.email_sent_at or email_at,
                    sms_sent_at=d.sms_sent_at or sms_at,
                    push_sent_at=d.push_sent_at or push_at,
                )
                logger.info("reminder %s was handed over before its sender stopped", d.id)
            merged.append(d)
        return merged

    def forget(self, deliveries: list[PendingDelivery]) -> None:
        if not deliveries:
            return
        try:
            self.client.delete(*(self._key(d) for d in deliveries))
        except redis.RedisError:  # they expire on their own
            logger.warning("could not clear the hand-over journal", exc_info=True)


def _deliver(
    delivery: PendingDelivery,
    *,
    templates: notifications.ReminderTemplates,
    mailer: BaseEmailBackend,
    sms: SmsBackend | None,
) -> list[Any]:
    """Hand one claimed delivery over. Returns its outcome for _outcome_record, then whether
    it should be retried."""
    assert delivery.prefs is not None  # the skip rules turned away everyone without settings
    channel = delivery.prefs.channel
    email_at, sms_at = delivery.email_sent_at, delivery.sms_sent_at
    push_at = delivery.push_sent_at
    message, sms_body = templates.messages(
        notifications.ReminderRecipient(
            delivery_id=delivery.id,
            patient_id=delivery.patient_id,
            first_name=delivery.first_name,
            email=delivery.email,
        )
    )
    error = ""
    try:
        # To every device; none subscribed (or all gone): the email below instead.
        if (
            channel == ReminderChannel.PUSH
            and push_at is None
            and reminder_push_send(
                patient_id=delivery.patient_id,
                payload=notifications.reminder_push_payload(
                    context={"SITE_NAME": settings.SITE_NAME}
                ),
                topic=notifications.delivery_topic(delivery_id=delivery.id),
            )
        ):
            push_at = timezone.now()
        if channel != ReminderChannel.SMS and email_at is None and push_at is None:
            mailer.open()  # once per batch: send_messages closes what it opened itself
            mailer.send_messages([message])
            email_at = timezone.now()
        if (
            channel in (ReminderChannel.SMS, ReminderChannel.BOTH)
            and sms_at is None
            and delivery.phone
        ):
            assert sms is not None
            sms.send(
                to=delivery.phone,
                body=sms_body,
                key=notifications.delivery_key(delivery_id=delivery.id),
            )
            sms_at = timezone.now()
    except (OSError, SmsProviderError, PushProviderError) as exc:
        error = f"{type(exc).__name__}: {exc}"[:300]
        _close_quietly(mailer)  # the next message opens a fresh connection
    attempts = delivery.attempts + 1
    give_up = bool(error) and attempts >= settings.REMINDERS_MAX_ATTEMPTS
    status, reason, finished = ReminderDelivery.Status.PENDING, "", None
    if not error:
        status, finished = ReminderDelivery.Status.SENT, timezone.now()
    else:
        logger.warning("reminder %s: attempt %s failed", delivery.id, attempts)
        if give_up:
            status, reason = ReminderDelivery.Status.FAILED, Reason.PROVIDER_ERROR
            finished = timezone.now()
    retry = bool(error) and not give_up
    # plain strings: psycopg would write an Enum member by its name
    outcome = [str(channel), email_at, sms_at, push_at, str(status), str(reason), error, finished]
    return [delivery.id, attempts, *outcome, retry]
