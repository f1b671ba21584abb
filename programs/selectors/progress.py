"""The patient's progress: adherence by week, streak, pain series, session history."""

import zoneinfo
from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from django.db.models import Avg, Count

from accounts.models import User
from programs import sessions_schedule
from programs.models import (
    Completion,
    ExerciseSession,
    Plan,
    PlanItem,
    PlanVersion,
)
from programs.selectors.plans import plan_active_for_patient


@dataclass
class WeekAdherence:
    week_start: date
    completed: int
    prescribed: int

    @property
    def percent(self) -> int | None:
        if not self.prescribed:
            return None
        return round(100 * self.completed / self.prescribed)


@dataclass
class PainPoint:
    day: date
    average: float


@dataclass
class SessionRow:
    local_date: date
    exercises_done: int
    average_pain: float | None
    finished: bool
    plan_version: int


@dataclass
class Progress:
    local_date: date
    streak_days: int
    this_week: WeekAdherence
    last_four_weeks: list[WeekAdherence]
    four_week_percent: int | None
    pain: list[PainPoint]
    sessions: list[SessionRow]


def _prescribed(items: list[PlanItem], start: date, end: date, plan_start: date) -> dict[int, int]:
    """Per exercise, how many sessions were scheduled between start and end (inclusive)."""
    out: dict[int, int] = {}
    for item in items:
        days = sessions_schedule.scheduled_weekdays(item.sessions_per_week)
        count = 0
        day = max(start, plan_start)
        while day <= end:
            if day.weekday() in days:
                count += 1
            day += timedelta(days=1)
        out[item.exercise_id] = count
    return out


def _version_in_effect(versions: list[PlanVersion], at: date, zone: str) -> PlanVersion | None:
    tz = zoneinfo.ZoneInfo(zone)
    chosen = None
    for version in sorted(versions, key=lambda v: v.number):
        if version.created_at.astimezone(tz).date() <= at:
            chosen = version
    return chosen or (min(versions, key=lambda v: v.number) if versions else None)


def adherence_weeks(
    *, patient: User, today: date, weeks: int, plan: Plan | None = None
) -> list[WeekAdherence]:
    """Completed / prescribed for the current week (so far) and the `weeks - 1` before it.

    A prescribed session is one scheduled exercise-day; extra days beyond the prescription
    do not count twice. Weeks before the plan started prescribe nothing.
    """
    plan = plan or plan_active_for_patient(patient=patient)
    monday = sessions_schedule.week_start(today)
    first = monday - timedelta(weeks=weeks - 1)
    if plan is None:
        return [WeekAdherence(first + timedelta(weeks=i), 0, 0) for i in range(weeks)]
    zone = patient.patient_profile.time_zone
    versions = list(plan.versions.prefetch_related("items").order_by("number"))
    plan_start = plan.created_at.astimezone(zoneinfo.ZoneInfo(zone)).date()
    done = (
        Completion.objects.filter(
            session__patient=patient, session__local_date__gte=first, session__local_date__lte=today
        )
        .values_list("exercise_id", "session__local_date")
        .distinct()
    )
    done_by_week: dict[date, dict[int, int]] = defaultdict(lambda: defaultdict(int))
    for exercise_id, day in done:
        done_by_week[sessions_schedule.week_start(day)][exercise_id] += 1
    out = []
    for i in range(weeks):
        start = first + timedelta(weeks=i)
        end = min(start + timedelta(days=6), today)
        version = _version_in_effect(versions, end, zone)
        if version is None or end < plan_start:
            out.append(WeekAdherence(start, 0, 0))
            continue
        prescribed = _prescribed(list(version.items.all()), start, end, plan_start)
        completed = sum(
            min(count, prescribed.get(ex, 0)) for ex, count in done_by_week[start].items()
        )
        out.append(WeekAdherence(start, completed, sum(prescribed.values())))
    return out


def streak_days(*, patient: User, today: date, plan: Plan | None = None) -> int:
    """Days in a row with exercise, counting back from today (or yesterday if today is not
    done yet). A day on which nothing was scheduled does not break the streak."""
    plan = plan or plan_active_for_patient(patient=patient)
    active_days = set(
        ExerciseSession.objects.filter(
            patient=patient,
            local_date__gte=today - timedelta(days=400),
            completions__isnull=False,
        )
        .values_list("local_date", flat=True)
        .distinct()
    )
    scheduled: set[int] = set(range(7))
    if plan and plan.current_version:
        scheduled = set()
        for item in plan.current_version.items.all():
            scheduled |= sessions_schedule.scheduled_weekdays(item.sessions_per_week)
    day = today if today in active_days else today - timedelta(days=1)
    streak = 0
    while day >= today - timedelta(days=400):
        if day in active_days:
            streak += 1
        elif day.weekday() in scheduled:
            break
        day -= timedelta(days=1)
    return streak


def pain_series(*, patient: User, since: date) -> list[PainPoint]:
    rows = (
        Completion.objects.filter(session__patient=patient, session__local_date__gte=since)
        .values("session__local_date")
        .annotate(avg=Avg("pain"))
        .order_by("session__local_date")
    )
    return [PainPoint(r["session__local_date"], round(float(r["avg"]), 1)) for r in rows]


def session_history(*, patient: User, limit: int = 30) -> list[SessionRow]:
    rows = (
        ExerciseSession.objects.filter(patient=patient)
        .annotate(done=Count("completions"), avg_pain=Avg("completions__pain"))
        .values("local_date", "done", "avg_pain", "finished_at", "plan_version__number")
        .order_by("-local_date")[:limit]
    )
    return [
        SessionRow(
            local_date=r["local_date"],
            exercises_done=r["done"],
            average_pain=round(float(r["avg_pain"]), 1) if r["avg_pain"] is not None else None,
            finished=r["finished_at"] is not None,
            plan_version=r["plan_version__number"],
        )
        for r in rows
    ]


def progress_for_patient(*, patient: User, now: datetime | None = None) -> Progress:
    today = sessions_schedule.local_today(patient.patient_profile.time_zone, now)
    plan = plan_active_for_patient(patient=patient)
    weeks = adherence_weeks(patient=patient, today=today, weeks=5, plan=plan)
    last_four = weeks[:-1]
    prescribed = sum(w.prescribed for w in last_four)
    completed = sum(w.completed for w in last_four)
    return Progress(
        local_date=today,
        streak_days=streak_days(patient=patient, today=today, plan=plan),
        this_week=weeks[-1],
        last_four_weeks=last_four,
        four_week_percent=round(100 * completed / prescribed) if prescribed else None,
        pain=pain_series(patient=patient, since=today - timedelta(weeks=12)),
        sessions=session_history(patient=patient),
    )
