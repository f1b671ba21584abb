"""The patient's progress: adherence by week, streak, pain series, session history."""

import zoneinfo
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from django.db.models import Avg, Count, Prefetch

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

    @property
    def weeks_shown(self) -> list[WeekAdherence]:
        """The last four weeks and this one, oldest first, without the weeks before anything
        was planned: an empty week before the program began is not a missed one."""
        weeks = [*self.last_four_weeks, self.this_week]
        while len(weeks) > 1 and not weeks[0].prescribed:
            weeks.pop(0)
        return weeks


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


@dataclass(frozen=True)
class Variants:
    """An exercise and its easier and harder variants (the links a swap follows)."""

    exercise_id: int
    regression_id: int | None
    progression_id: int | None

    def is_variant_of(self, other: "Variants") -> bool:
        return other.exercise_id in (self.regression_id, self.progression_id) or (
            self.exercise_id in (other.regression_id, other.progression_id)
        )


def credited_exercise(done: Variants, items: list[Variants]) -> int | None:
    """The plan item a completion counts for: its own exercise when that is in the plan, else
    the easier or harder variant that replaced it (a swap keeps what was already done)."""
    if any(i.exercise_id == done.exercise_id for i in items):
        return done.exercise_id
    for item in items:
        if done.is_variant_of(item):
            return item.exercise_id
    return None


def item_variants(items: list[PlanItem]) -> list[Variants]:
    return [
        Variants(i.exercise_id, i.exercise.regression_id, i.exercise.progression_id) for i in items
    ]


def _chunks(start: date, end: date) -> list[tuple[date, date]]:
    """[start, end] cut at Mondays: adherence is counted week by week (a catch-up day counts
    within its week), so a period is the sum of its week pieces."""
    out = []
    day = start
    while day <= end:
        piece_end = min(sessions_schedule.week_start(day) + timedelta(days=6), end)
        out.append((day, piece_end))
        day = piece_end + timedelta(days=1)
    return out


def _adherence(
    *, patient: User, plan: Plan | None, pieces: list[tuple[date, date]]
) -> list[tuple[int, int]]:
    """(completed, prescribed) for each piece (each within one Monday-Sunday week)."""
    if plan is None or not pieces:
        return [(0, 0) for _ in pieces]
    zone = patient.patient_profile.time_zone
    versions = list(
        plan.versions.prefetch_related(
            Prefetch("items", queryset=PlanItem.objects.select_related("exercise"))
        ).order_by("number")
    )
    plan_start = plan.created_at.astimezone(zoneinfo.ZoneInfo(zone)).date()
    done = list(
        Completion.objects.filter(
            session__patient=patient,
            session__local_date__gte=pieces[0][0],
            session__local_date__lte=pieces[-1][1],
        )
        .values_list(
            "exercise_id",
            "exercise__regression_id",
            "exercise__progression_id",
            "session__local_date",
        )
        .distinct()
    )
    out = []
    for start, end in pieces:
        version = _version_in_effect(versions, end, zone)
        if version is None or end < plan_start:
            out.append((0, 0))
            continue
        out.append(_piece_figure(list(version.items.all()), done, start, end, plan_start))
    return out


# A completion as adherence reads it: exercise, its regression and progression, local day.
DoneRow = tuple[int, int | None, int | None, date]


def _piece_figure(
    items: list[PlanItem], done: Iterable[DoneRow], start: date, end: date, plan_start: date
) -> tuple[int, int]:
    """(completed, prescribed) for one piece (within one week) of the version whose items
    these are: the rule itself, whoever loaded the rows."""
    variants = item_variants(items)
    prescribed = _prescribed(items, start, end, plan_start)
    days: dict[int, set[date]] = defaultdict(set)
    for exercise_id, regression_id, progression_id, day in done:
        if start <= day <= end:
            credited = credited_exercise(
                Variants(exercise_id, regression_id, progression_id), variants
            )
            if credited is not None:
                days[credited].add(day)
    completed = sum(min(len(d), prescribed.get(ex, 0)) for ex, d in days.items())
    return completed, sum(prescribed.values())


def adherence_this_week_from_rows(
    *, plan: Plan, items: list[PlanItem], done: Iterable[DoneRow], today: date, zone: str
) -> WeekAdherence | None:
    """adherence_weeks(weeks=1)[0] from rows a page already holds (the Today page): the plan's
    current version's items and the completions from this week's Monday to `today`. No query.

    The version in effect on `today` is the newest one created by then, and versions are only
    ever added as current (programs.services.plans), so it is the current version whenever that
    was created by `today` in the patient's zone. Otherwise None: ask adherence_weeks.
    """
    version = plan.current_version
    tz = zoneinfo.ZoneInfo(zone)
    if version is None or version.created_at.astimezone(tz).date() > today:
        return None
    monday = sessions_schedule.week_start(today)
    plan_start = plan.created_at.astimezone(tz).date()
    if today < plan_start:
        return WeekAdherence(monday, 0, 0)
    completed, prescribed = _piece_figure(items, done, monday, today, plan_start)
    return WeekAdherence(monday, completed, prescribed)


@dataclass
class Adherence:
    start: date
    end: date
    completed: int
    prescribed: int

    @property
    def percent(self) -> int | None:
        if not self.prescribed:
            return None
        return round(100 * self.completed / self.prescribed)


def adherence_for_period(
    *, patient: User, start: date, end: date, plan: Plan | None = None
) -> Adherence:
    """THE adherence definition: completed / prescribed exercise sessions from `start` to `end`
    (the patient's local days, inclusive). Today, Progress, the caseload, the alerts' summary
    and the SOAP note all read it (or adherence_weeks, which is this per week), so they agree.

    A prescribed session is one scheduled exercise-day of the plan version in effect that
    week, from the plan's start; extra days beyond the prescription do not count twice; a
    completion of an exercise later swapped for its easier or harder variant counts for it.
    """
    plan = plan or plan_active_for_patient(patient=patient)
    figures = _adherence(patient=patient, plan=plan, pieces=_chunks(start, end))
    return Adherence(
        start=start,
        end=end,
        completed=sum(c for c, _ in figures),
        prescribed=sum(p for _, p in figures),
    )


def adherence_weeks(
    *, patient: User, today: date, weeks: int, plan: Plan | None = None
) -> list[WeekAdherence]:
    """adherence_for_period for the current week (so far) and the `weeks - 1` before it."""
    plan = plan or plan_active_for_patient(patient=patient)
    monday = sessions_schedule.week_start(today)
    first = monday - timedelta(weeks=weeks - 1)
    pieces = [
        (first + timedelta(weeks=i), min(first + timedelta(weeks=i, days=6), today))
        for i in range(weeks)
    ]
    figures = _adherence(patient=patient, plan=plan, pieces=pieces)
    return [
        WeekAdherence(start, completed, prescribed)
        for (start, _), (completed, prescribed) in zip(pieces, figures, strict=True)
    ]


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
