"""The Today page: what the patient should do on their own local day."""

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any

from django.db.models import F

from accounts.models import User
from programs import sessions_schedule
from programs.models import (
    Completion,
    Exercise,
    ExerciseSession,
    Plan,
    PlanItem,
    dosage_text,
)
from programs.selectors.progress import (
    Variants,
    WeekAdherence,
    adherence_this_week_from_rows,
    adherence_weeks,
    credited_exercise,
    item_variants,
    streak_days,
)
from programs.selectors.today_sql import WeekCompletion, today_plan_read, week_completions_read


@dataclass
class TodayItem:
    item: PlanItem
    due: bool
    catch_up: bool  # due today only because an earlier scheduled day was missed
    completion: Completion | None
    done_this_week: int
    scheduled_this_week: int

    @property
    def exercise(self) -> Exercise:
        return self.item.exercise


@dataclass
class Today:
    local_date: date
    plan: Plan | None
    items: list[TodayItem] = field(default_factory=list)
    session: ExerciseSession | None = None
    # This week's adherence (the one definition, programs.selectors.progress), from these rows.
    week: WeekAdherence | None = None
    # The navigation's unread count, read with the plan (None: not read, the tag reads it).
    unread_messages: int | None = None

    @property
    def due(self) -> list[TodayItem]:
        return [i for i in self.items if i.due or i.completion]

    @property
    def not_due(self) -> list[TodayItem]:
        return [i for i in self.items if not i.due and not i.completion]

    @property
    def done_count(self) -> int:
        return sum(1 for i in self.items if i.completion)

    @property
    def all_done(self) -> bool:
        return bool(self.due) and all(i.completion for i in self.due)


def today_for_patient(*, patient: User, now: datetime | None = None) -> Today:
    """What the patient should do on their own local day, with this week's adherence.
    Two statements whatever the plan size (programs.selectors.today_sql): the plan with the
    patient's profile, the navigation's unread count and the items, then the week's
    completions."""
    plan, items, unread = today_plan_read(patient=patient)
    zone = patient.patient_profile.time_zone
    local = sessions_schedule.local_today(zone, now)
    if plan is None or plan.current_version is None:
        return Today(local_date=local, plan=None, unread_messages=unread)
    monday = sessions_schedule.week_start(local)
    week_completions = week_completions_read(patient=patient, first=monday, last=local)
    variants = item_variants(items)
    done_days: dict[int, set[date]] = defaultdict(set)
    today_done: dict[int, WeekCompletion] = {}
    session_of: WeekCompletion | None = None
    for c in week_completions:
        # a completion counts for the item that replaced its exercise in a swap
        credited = credited_exercise(
            Variants(c.exercise_id, c.regression_id, c.progression_id), variants
        )
        if c.local_date == local:
            session_of = c
        if credited is None:
            continue
        done_days[credited].add(c.local_date)
        if c.local_date == local and (credited not in today_done or c.exercise_id == credited):
            today_done[credited] = c
    # Model instances only for what the page shows: today's completions and their session.
    shown = {credited: c.completion() for credited, c in today_done.items()}
    session = session_of.session() if session_of is not None else None
    since = sessions_schedule.plan_start_day(plan.created_at, zone)
    rows = []
    for item in items:
        days = done_days.get(item.exercise_id, set())
        due = sessions_schedule.is_due(local, item.sessions_per_week, days, since)
        rows.append(
            TodayItem(
                item=item,
                due=due,
                catch_up=due and not sessions_schedule.is_scheduled(local, item.sessions_per_week),
                completion=shown.get(item.exercise_id),
                done_this_week=len(days),
                scheduled_this_week=item.sessions_per_week,
            )
        )
    week = adherence_this_week_from_rows(
        plan=plan,
        items=items,
        done=[
            (c.exercise_id, c.regression_id, c.progression_id, c.local_date)
            for c in week_completions
        ],
        today=local,
        zone=zone,
    )
    if week is None:  # the current version is not yet in effect on `local`: the full reading
        week = adherence_weeks(patient=patient, today=local, weeks=1, plan=plan)[0]
    return Today(
        local_date=local,
        plan=plan,
        items=rows,
        session=session,
        week=week,
        unread_messages=unread,
    )


@dataclass
class SessionSummary:
    """What the finish screen says: the streak and the week by the one definition in
    programs.selectors.progress, and the next day something is scheduled."""

    streak_days: int
    week: WeekAdherence
    next_day: date | None
    local_date: date

    @property
    def next_is_tomorrow(self) -> bool:
        return self.next_day == self.local_date + timedelta(days=1)


def session_summary(*, patient: User, day: Today) -> SessionSummary:
    """The finish screen's figures for a patient's `day` (from today_for_patient)."""
    scheduled: set[int] = set()
    for row in day.items:
        scheduled |= sessions_schedule.scheduled_weekdays(row.item.sessions_per_week)
    next_day = next(
        (
            day.local_date + timedelta(days=n)
            for n in range(1, 8)
            if (day.local_date + timedelta(days=n)).weekday() in scheduled
        ),
        None,
    )
    return SessionSummary(
        streak_days=streak_days(patient=patient, today=day.local_date, plan=day.plan),
        # read from Today's rows by the one definition (today_for_patient)
        week=day.week
        or adherence_weeks(patient=patient, today=day.local_date, weeks=1, plan=day.plan)[0],
        next_day=next_day,
        local_date=day.local_date,
    )


# Today's plan as plain dicts for the API: two queries over `.values()`, no model instances.
# The page uses `today_for_patient` (model instances, for templates); this is the same rule
# (programs.sessions_schedule) over rows, because the API is read far more often and DRF serializers
# over instances cost several times the database work here (see bench/bench_today.py).
ITEM_FIELDS = (
    "version__plan_id",
    "version__plan__created_at",
    "version__plan__patient__patient_profile__time_zone",
    "version__number",
    "exercise_id",
    "exercise__slug",
    "exercise__name",
    "exercise__summary",
    "exercise__instructions",
    "exercise__safety_cues",
    "exercise__illustration",
    "exercise__illustration_alt",
    "exercise__regression_id",
    "exercise__progression_id",
    "sets",
    "reps",
    "hold_seconds",
    "per_side",
    "sessions_per_week",
    "order",
    "note",
)


def _lines(text: str) -> list[str]:
    return [line.strip() for line in text.splitlines() if line.strip()]


def today_plan_rows(*, patient: User, now: datetime | None = None) -> dict[str, Any]:
    """What `today_for_patient` says, as JSON-ready dicts."""
    rows = list(
        PlanItem.objects.filter(
            version__plan__patient=patient,
            version__plan__status=Plan.Status.ACTIVE,
            version__plan__current_version=F("version"),
        )
        .order_by("order", "id")  # as the page (programs.selectors.today_sql)
        .values(*ITEM_FIELDS)
    )
    if not rows:
        local = sessions_schedule.local_today(patient.patient_profile.time_zone, now)
        return {"local_date": local, "plan": None, "session_finished": False, "items": []}
    # The zone comes with the rows: one query fewer than reading the profile first.
    zone = rows[0]["version__plan__patient__patient_profile__time_zone"]
    local = sessions_schedule.local_today(zone, now)
    completions = (
        Completion.objects.filter(
            session__patient=patient,
            session__local_date__gte=sessions_schedule.week_start(local),
            session__local_date__lte=local,
        )
        .order_by("completed_at", "id")  # as the page: the last of today's decides
        .values(
            "exercise_id",
            "exercise__regression_id",
            "exercise__progression_id",
            "session__local_date",
            "session__finished_at",
            "pain",
            "difficulty",
        )
    )
    variants = [
        Variants(r["exercise_id"], r["exercise__regression_id"], r["exercise__progression_id"])
        for r in rows
    ]
    done_days: dict[int, set[date]] = defaultdict(set)
    today_done: dict[int, dict[str, Any]] = {}
    finished = False
    for c in completions:
        if c["session__local_date"] == local:
            finished = c["session__finished_at"] is not None
        credited = credited_exercise(
            Variants(c["exercise_id"], c["exercise__regression_id"], c["exercise__progression_id"]),
            variants,
        )
        if credited is None:
            continue
        done_days[credited].add(c["session__local_date"])
        if c["session__local_date"] == local and (
            credited not in today_done or c["exercise_id"] == credited
        ):
            today_done[credited] = {"pain": c["pain"], "difficulty": c["difficulty"]}
    since = sessions_schedule.plan_start_day(rows[0]["version__plan__created_at"], zone)
    items = []
    for row in rows:
        days = done_days.get(row["exercise_id"], set())
        due = sessions_schedule.is_due(local, row["sessions_per_week"], days, since)
        items.append(
            {
                "exercise": {
                    "id": row["exercise_id"],
                    "slug": row["exercise__slug"],
                    "name": row["exercise__name"],
                    "summary": row["exercise__summary"],
                    "instructions": _lines(row["exercise__instructions"]),
                    "safety_cues": _lines(row["exercise__safety_cues"]),
                    "illustration": row["exercise__illustration"],
                    "illustration_alt": row["exercise__illustration_alt"],
                },
                "sets": row["sets"],
                "reps": row["reps"],
                "hold_seconds": row["hold_seconds"],
                "per_side": row["per_side"],
                "sessions_per_week": row["sessions_per_week"],
                "order": row["order"],
                "note": row["note"],
                "dosage": dosage_text(
                    sets=row["sets"],
                    reps=row["reps"],
                    hold_seconds=row["hold_seconds"],
                    per_side=row["per_side"],
                ),
                "due": due,
                "catch_up": due
                and not sessions_schedule.is_scheduled(local, row["sessions_per_week"]),
                "done_this_week": len(days),
                "completion": today_done.get(row["exercise_id"]),
            }
        )
    first = rows[0]
    return {
        "local_date": local,
        "plan": {"id": first["version__plan_id"], "version": first["version__number"]},
        "session_finished": finished,
        "items": items,
    }
