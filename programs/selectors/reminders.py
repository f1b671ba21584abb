"""Reminder reads: the patient's own settings and log, and the support dry run."""

import zoneinfo
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from django.conf import settings
from django.db.models import QuerySet
from django.http import Http404

from accounts.models import CareTeamLink, User
from programs import reminders_times, sessions_schedule
from programs.models import (
    Completion,
    ExerciseSession,
    Plan,
    PlanItem,
    ReminderChannel,
    ReminderDelivery,
    ReminderSchedule,
    ReminderSettings,
)
from programs.selectors.sessions import today_for_patient
from therapy.permissions import scope_patient_records


def _own_patient(user: User) -> User:
    """Reminders are the patient's own business: anyone else gets 404."""
    if not user.is_authenticated or not user.is_patient:
        raise Http404("No reminders here.")
    return user


Reason = ReminderDelivery.Reason


@dataclass
class ReminderSettingsView:
    settings: ReminderSettings
    times: list[time]
    is_new: bool  # never saved: the page offers the browser's time zone


def reminder_settings_for_user(*, user: User) -> ReminderSettingsView:
    patient = _own_patient(user)
    prefs = ReminderSettings.objects.filter(patient=patient).first()
    times = list(
        ReminderSchedule.objects.filter(patient=patient)
        .order_by("local_time")
        .values_list("local_time", flat=True)
    )
    if prefs is None:
        prefs = ReminderSettings(
            patient=patient, time_zone=patient.patient_profile.time_zone, enabled=False
        )
        return ReminderSettingsView(settings=prefs, times=times, is_new=True)
    return ReminderSettingsView(settings=prefs, times=times, is_new=False)


def reminder_log_for_user(*, user: User, limit: int = 100) -> QuerySet[ReminderDelivery]:
    patient = _own_patient(user)
    return scope_patient_records(ReminderDelivery.objects.all(), user=patient).order_by("-slot_at")[
        :limit
    ]


@dataclass
class DueReminder:
    patient_id: int
    email: str
    local_date: date
    local_time: time
    time_zone: str
    channel: str
    due_at: datetime
    would_skip: str  # a ReminderDelivery.Reason value, "" when it would be sent


def reminders_due_at(*, at: datetime) -> list[DueReminder]:
    """What a sweep at `at` would claim and how each would fare at send time. Reads only."""
    rows = (
        ReminderSchedule.objects.filter(enabled=True, next_due_at__lte=at)
        .select_related("patient", "patient__patient_profile")
        .order_by("next_due_at", "id")
    )
    prefs_by_patient = {
        p.patient_id: p
        for p in ReminderSettings.objects.filter(patient_id__in=rows.values("patient_id"))
    }
    due = []
    for row in rows:
        prefs = prefs_by_patient.get(row.patient_id)
        due.append(
            DueReminder(
                patient_id=row.patient_id,
                email=row.patient.email,
                local_date=row.next_local_date,
                local_time=row.local_time,
                time_zone=row.time_zone,
                channel=prefs.channel if prefs else "",
                due_at=row.next_due_at,
                would_skip=skip_reason(
                    patient=row.patient, prefs=prefs, slot_at=row.next_due_at, now=at
                ),
            )
        )
    return due


def skip_reason(
    *,
    patient: User,
    prefs: ReminderSettings | None,
    slot_at: datetime,
    now: datetime,
) -> str:
    """Why a reminder for `slot_at` should not go out at `now`, or "" when it should."""
    # A closed account gets no contact at all, from the moment it is closed.
    if prefs is None or not prefs.enabled or not patient.is_active:
        return Reason.OFF
    if prefs.unsubscribed_at is not None:
        return Reason.UNSUBSCRIBED
    if prefs.paused_until is not None and prefs.paused_until > slot_at:
        return Reason.PAUSED
    if now - slot_at > timedelta(seconds=settings.REMINDERS_STALE_AFTER_SECONDS):
        return Reason.TOO_LATE
    local_now = now.astimezone(zoneinfo.ZoneInfo(prefs.time_zone)).time()
    if reminders_times.in_quiet_hours(local_now, prefs.quiet_start, prefs.quiet_end):
        return Reason.QUIET_HOURS
    if not Plan.objects.filter(patient=patient, status=Plan.Status.ACTIVE).exists():
        active_link = CareTeamLink.objects.filter(patient=patient, ended_at__isnull=True)
        return Reason.NO_PLAN if active_link.exists() else Reason.DISCHARGED
    slot_day = slot_at.astimezone(zoneinfo.ZoneInfo(prefs.time_zone)).date()
    if ExerciseSession.objects.filter(
        patient=patient, local_date=slot_day, finished_at__isnull=False
    ).exists():
        return Reason.SESSION_DONE
    today = today_for_patient(patient=patient, now=slot_at)
    if today.all_done:
        return Reason.SESSION_DONE
    if not today.due:
        return Reason.NOTHING_DUE
    if prefs.channel == ReminderChannel.SMS and not patient.patient_profile.phone:
        return Reason.NO_PHONE
    return ""


# --- the batch send: who gets a reminder, decided for a whole batch in a few queries ------
@dataclass(frozen=True)
class PendingPrefs:
    """The patient's reminder settings as the skip rules and the send read them (plain
    values: no model instance per delivery)."""

    enabled: bool
    time_zone: str
    channel: str
    quiet_start: time | None
    quiet_end: time | None
    paused_until: datetime | None
    unsubscribed_at: datetime | None


@dataclass(frozen=True)
class PendingDelivery:
    """A pending delivery with what the skip rules and the message need, from one query."""

    id: int
    patient_id: int
    slot_at: datetime
    attempts: int
    email_sent_at: datetime | None
    sms_sent_at: datetime | None
    push_sent_at: datetime | None
    email: str
    first_name: str
    is_active: bool
    phone: str
    profile_time_zone: str
    prefs: PendingPrefs | None


def deliveries_pending(*, delivery_ids: list[int]) -> list[PendingDelivery]:
    """The batch's deliveries that are still pending, in id order: one query."""
    rows = (
        ReminderDelivery.objects.filter(pk__in=delivery_ids, status=ReminderDelivery.Status.PENDING)
        .order_by("pk")
        .values_list(
            "id",
            "patient_id",
            "slot_at",
            "attempts",
            "email_sent_at",
            "sms_sent_at",
            "push_sent_at",
            "patient__email",
            "patient__first_name",
            "patient__is_active",
            "patient__patient_profile__phone",
            "patient__patient_profile__time_zone",
            "patient__reminder_settings__id",
            "patient__reminder_settings__enabled",
            "patient__reminder_settings__time_zone",
            "patient__reminder_settings__channel",
            "patient__reminder_settings__quiet_start",
            "patient__reminder_settings__quiet_end",
            "patient__reminder_settings__paused_until",
            "patient__reminder_settings__unsubscribed_at",
        )
    )
    default_zone = settings.TIME_ZONE
    return [
        PendingDelivery(
            id=row[0],
            patient_id=row[1],
            slot_at=row[2],
            attempts=row[3],
            email_sent_at=row[4],
            sms_sent_at=row[5],
            push_sent_at=row[6],
            email=row[7],
            first_name=row[8],
            is_active=row[9],
            phone=row[10] or "",
            profile_time_zone=row[11] or default_zone,
            prefs=None if row[12] is None else PendingPrefs(*row[13:]),
        )
        for row in rows
    ]


def _settings_reason(delivery: PendingDelivery, now: datetime) -> str:
    """The rules that need only the patient's settings (the first half of skip_reason)."""
    prefs = delivery.prefs
    if prefs is None or not prefs.enabled or not delivery.is_active:
        return Reason.OFF
    if prefs.unsubscribed_at is not None:
        return Reason.UNSUBSCRIBED
    if prefs.paused_until is not None and prefs.paused_until > delivery.slot_at:
        return Reason.PAUSED
    if now - delivery.slot_at > timedelta(seconds=settings.REMINDERS_STALE_AFTER_SECONDS):
        return Reason.TOO_LATE
    local_now = now.astimezone(zoneinfo.ZoneInfo(prefs.time_zone)).time()
    if reminders_times.in_quiet_hours(local_now, prefs.quiet_start, prefs.quiet_end):
        return Reason.QUIET_HOURS
    return ""


def reminders_skip_reasons(*, deliveries: list[PendingDelivery], now: datetime) -> dict[int, str]:
    """skip_reason for a whole batch: the same rules in the same order, with five queries
    whatever the batch size (active plans, their items, this week's completions, finished
    sessions, care-team links) instead of about ten per delivery. Maps delivery id to a
    reason, "" when it should be sent."""
    reasons = {d.id: _settings_reason(d, now) for d in deliveries}
    open_ = [d for d in deliveries if not reasons[d.id]]
    if not open_:
        return reasons
    patient_ids = {d.patient_id for d in open_}
    plans = {
        p["patient_id"]: p
        for p in Plan.objects.filter(patient_id__in=patient_ids, status=Plan.Status.ACTIVE).values(
            "patient_id", "current_version_id", "created_at"
        )
    }
    without_plan = patient_ids - plans.keys()
    linked = (
        set(
            CareTeamLink.objects.filter(
                patient_id__in=without_plan, ended_at__isnull=True
            ).values_list("patient_id", flat=True)
        )
        if without_plan
        else set()
    )
    with_plan = [d for d in open_ if d.patient_id in plans]
    for d in open_:
        if d.patient_id not in plans:
            reasons[d.id] = Reason.NO_PLAN if d.patient_id in linked else Reason.DISCHARGED
    if not with_plan:
        return reasons

    # The slot's day in the reminder's zone (finished sessions) and in the profile's zone
    # (the Today rules), as skip_reason and today_for_patient use them.
    slot_days = {
        d.id: d.slot_at.astimezone(zoneinfo.ZoneInfo(d.prefs.time_zone)).date()  # type: ignore[union-attr]
        for d in with_plan
    }
    local_days = {
        d.id: sessions_schedule.local_today(d.profile_time_zone, d.slot_at) for d in with_plan
    }
    finished = set(
        ExerciseSession.objects.filter(
            patient_id__in={d.patient_id for d in with_plan},
            local_date__in=set(slot_days.values()),
            finished_at__isnull=False,
        ).values_list("patient_id", "local_date")
    )
    version_ids = {p["current_version_id"] for p in plans.values() if p["current_version_id"]}
    items: dict[int, list[tuple[int, int]]] = {}
    for version_id, exercise_id, per_week in (
        PlanItem.objects.filter(version_id__in=version_ids)
        .order_by("order")
        .values_list("version_id", "exercise_id", "sessions_per_week")
    ):
        items.setdefault(version_id, []).append((exercise_id, per_week))
    first_monday = min(sessions_schedule.week_start(day) for day in local_days.values())
    last_day = max(local_days.values())
    done: dict[int, list[tuple[int, date]]] = {}
    for patient_id, exercise_id, day in Completion.objects.filter(
        session__patient_id__in={d.patient_id for d in with_plan},
        session__local_date__gte=first_monday,
        session__local_date__lte=last_day,
    ).values_list("session__patient_id", "exercise_id", "session__local_date"):
        done.setdefault(patient_id, []).append((exercise_id, day))

    for d in with_plan:
        if (d.patient_id, slot_days[d.id]) in finished:
            reasons[d.id] = Reason.SESSION_DONE
            continue
        plan = plans[d.patient_id]
        local = local_days[d.id]
        monday = sessions_schedule.week_start(local)
        done_days: dict[int, set[date]] = {}
        done_today: set[int] = set()
        for exercise_id, day in done.get(d.patient_id, ()):
            if monday <= day <= local:
                done_days.setdefault(exercise_id, set()).add(day)
                if day == local:
                    done_today.add(exercise_id)
        since = sessions_schedule.plan_start_day(plan["created_at"], d.profile_time_zone)
        # Today.due: the items due today or already done today; all_done: each of them done.
        due_today = [
            exercise_id
            for exercise_id, per_week in items.get(plan["current_version_id"], ())
            if exercise_id in done_today
            or sessions_schedule.is_due(local, per_week, done_days.get(exercise_id, set()), since)
        ]
        if due_today and all(e in done_today for e in due_today):
            reasons[d.id] = Reason.SESSION_DONE
        elif not due_today:
            reasons[d.id] = Reason.NOTHING_DUE
        elif d.prefs.channel == ReminderChannel.SMS and not d.phone:  # type: ignore[union-attr]
            reasons[d.id] = Reason.NO_PHONE
    return reasons
