"""Reminder writes: the patient's choices, the minute sweep, and the idempotent send.

When is a day "done"? A reminder is skipped as `session_done` when, on the slot's local day,
the patient's exercise session is finished, or every exercise due that day is completed
(`today_for_patient(now=slot).all_done`). It is skipped as `nothing_due` when the plan has no
exercise due that day. Other skips: reminders off, unsubscribed, paused, discharged (no active
plan and no active care-team link), no active plan, during quiet hours at send time, too late
(more than REMINDERS_STALE_AFTER after the slot), SMS-only without a phone number.
"""

import logging
from dataclasses import dataclass
from datetime import datetime, time, timedelta
from functools import partial

import psycopg
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.mail.backends.base import BaseEmailBackend
from django.db import connection, transaction
from django.db.models import Case, QuerySet, Value, When
from django.utils import timezone

from accounts.models import User, validate_time_zone
from programs import notifications, reminders_times
from programs.models import (
    ReminderChannel,
    ReminderDelivery,
    ReminderSchedule,
    ReminderSettings,
)
from programs.push import PushProviderError
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


def _advance_and_record(rows: list[tuple], *, now: datetime) -> list[int]:
    """Move each claimed row to its next local occurrence and insert one pending delivery per
    (patient, slot). Conflicts (a delivery that already exists) insert nothing."""
    ids, dates, dues = [], [], []
    for row_id, _patient, at, zone, weekdays, local_date, _slot in rows:
        day, due = reminders_times.next_occurrence(
            at=at, time_zone=zone, weekdays=weekdays, after_date=local_date, not_before=now
        )
        ids.append(row_id)
        dates.append(day)
        dues.append(due)
    if connection.vendor == "postgresql":
        # Server-side binding with binary arrays: Django's client-side cursor would quote
        # thousands of values into the SQL text in Python, which took most of the sweep's time.
        connection.ensure_connection()
        with psycopg.Cursor(connection.connection) as cursor:
            cursor.execute(
                "UPDATE programs_reminderschedule AS s"
                " SET next_local_date = v.d, next_due_at = v.t"
                " FROM unnest(%b::bigint[], %b::date[], %b::timestamptz[]) AS v(id, d, t)"
                " WHERE s.id = v.id",
                [ids, dates, dues],
            )
            cursor.execute(
                "INSERT INTO programs_reminderdelivery (patient_id, schedule_id, slot_at,"
                " local_date, local_time, status, reason, channel, attempts, last_error,"
                " created_at, enqueued_at)"
                " SELECT v.p, v.s, v.t, v.d, v.lt, 'pending', '', '', 0, '', %b, %b"
                " FROM unnest(%b::bigint[], %b::bigint[], %b::timestamptz[], %b::date[],"
                " %b::time[]) AS v(p, s, t, d, lt)"
                " ON CONFLICT (patient_id, slot_at) DO NOTHING RETURNING id",
                [
                    now,
                    now,
                    [r[1] for r in rows],
                    ids,
                    [r[6] for r in rows],
                    [r[5] for r in rows],
                    [r[2] for r in rows],
                ],
            )
            return [r[0] for r in cursor.fetchall()]
    # The embedded default (SQLite): the same writes through the ORM.
    schedules = [
        ReminderSchedule(id=i, next_local_date=d, next_due_at=t)
        for i, d, t in zip(ids, dates, dues, strict=True)
    ]
    ReminderSchedule.objects.bulk_update(schedules, ["next_local_date", "next_due_at"])
    ReminderDelivery.objects.bulk_create(
        [
            ReminderDelivery(
                patient_id=r[1],
                schedule_id=r[0],
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
            schedule_id__in=ids, enqueued_at=now, status=ReminderDelivery.Status.PENDING
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
            rows = list(claim_query(now=now, limit=batch_size))
            if not rows:
                break
            created = _advance_and_record(rows, now=now)
            result.claimed += len(rows)
            result.created += len(created)
            transaction.on_commit(partial(_enqueue, created, result))
        if len(rows) < batch_size:
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

    Built for batches: one query loads the batch's pending deliveries with each patient's
    settings, the skip rules run for the whole batch in a few queries
    (`reminders_skip_reasons`), the skips are recorded in one statement, and every message
    goes through one email connection (one SMS backend instance).

    What is sent is recorded one delivery at a time, on purpose: each send runs in a short
    transaction that locks its row and checks it is still pending, hands the message over,
    and records it, so a redelivered or duplicated task waits for the lock and then finds it
    sent. A worker killed mid-batch therefore leaves at most the one message it was handing
    over unrecorded (resent on redelivery with the same Message-ID / Idempotency-Key,
    delivery_key); recording a whole batch in one statement at the end would widen that
    window to the whole batch. Each channel is recorded as it succeeds, so a retry after a
    failed SMS does not email twice.
    """
    now = now or timezone.now()
    batch = deliveries_pending(delivery_ids=delivery_ids)
    if not batch:
        return []
    reasons = reminders_skip_reasons(deliveries=batch, now=now)
    _skips_record(reasons={d.id: reasons[d.id] for d in batch if reasons[d.id]}, now=now)
    to_send = [d for d in batch if not reasons[d.id]]
    if not to_send:
        return []
    mailer = notifications.reminder_mailer()
    sms = (
        sms_backend()
        if any(d.prefs and d.prefs.channel != ReminderChannel.EMAIL for d in to_send)
        else None
    )
    retry = []
    try:
        for delivery in to_send:
            if _deliver(delivery, mailer=mailer, sms=sms):
                retry.append(delivery.id)
    finally:
        _close_quietly(mailer)
    return retry


def _skips_record(*, reasons: dict[int, str], now: datetime) -> None:
    if not reasons:
        return
    ReminderDelivery.objects.filter(
        pk__in=list(reasons), status=ReminderDelivery.Status.PENDING
    ).update(
        status=ReminderDelivery.Status.SKIPPED,
        reason=Case(*(When(pk=pk, then=Value(r)) for pk, r in reasons.items())),
        finished_at=now,
    )


def _close_quietly(mailer: BaseEmailBackend) -> None:
    try:
        mailer.close()
    except OSError:  # a connection that already broke: nothing left to close
        logger.debug("closing a broken mail connection failed", exc_info=True)


def _deliver(
    delivery: PendingDelivery, *, mailer: BaseEmailBackend, sms: SmsBackend | None
) -> bool:
    """Send one claimed delivery under its row lock; True when it should be retried."""
    assert delivery.prefs is not None  # the skip rules turned away everyone without settings
    channel = delivery.prefs.channel
    context = notifications.reminder_context_for(
        patient_id=delivery.patient_id, first_name=delivery.first_name
    )
    with transaction.atomic():
        locked = (
            ReminderDelivery.objects.select_for_update()
            .filter(pk=delivery.id, status=ReminderDelivery.Status.PENDING)
            .values_list("attempts", "email_sent_at", "sms_sent_at", "push_sent_at")
            .first()
        )
        if locked is None:
            return False  # another worker sent it while this batch was deciding
        attempts, email_at, sms_at, push_at = locked
        error = ""
        try:
            # To every device; none subscribed (or all gone): the email below instead.
            if (
                channel == ReminderChannel.PUSH
                and push_at is None
                and reminder_push_send(
                    patient_id=delivery.patient_id,
                    payload=notifications.reminder_push_payload(context=context),
                    topic=notifications.delivery_topic(delivery_id=delivery.id),
                )
            ):
                push_at = timezone.now()
            if channel != ReminderChannel.SMS and email_at is None and push_at is None:
                message = notifications.reminder_email_message(
                    context=context, to=delivery.email, delivery_id=delivery.id
                )
                mailer.open()  # once per batch: send_messages closes what it opened itself
                mailer.send_messages([message])
                email_at = timezone.now()
            if (
                channel in (ReminderChannel.SMS, ReminderChannel.BOTH)
                and sms_at is None
                and (delivery.phone)
            ):
                assert sms is not None
                sms.send(
                    to=delivery.phone,
                    body=notifications.reminder_sms_body(context=context),
                    key=notifications.delivery_key(delivery_id=delivery.id),
                )
                sms_at = timezone.now()
        except (OSError, SmsProviderError, PushProviderError) as exc:
            error = f"{type(exc).__name__}: {exc}"[:300]
            _close_quietly(mailer)  # the next message opens a fresh connection
        attempts += 1
        fields: dict[str, object] = {
            "attempts": attempts,
            "channel": channel,
            "email_sent_at": email_at,
            "sms_sent_at": sms_at,
            "push_sent_at": push_at,
        }
        give_up = bool(error) and attempts >= settings.REMINDERS_MAX_ATTEMPTS
        if not error:
            fields.update(status=ReminderDelivery.Status.SENT, finished_at=timezone.now())
        else:
            fields["last_error"] = error
            logger.warning("reminder %s: attempt %s failed", delivery.id, attempts)
            if give_up:
                fields.update(
                    status=ReminderDelivery.Status.FAILED,
                    reason=Reason.PROVIDER_ERROR,
                    finished_at=timezone.now(),
                )
        ReminderDelivery.objects.filter(pk=delivery.id).update(**fields)
    return bool(error) and not give_up
