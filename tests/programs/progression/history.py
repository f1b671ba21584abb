"""A patient's history on one plan item, day by day, for the progression tests."""

from datetime import date, datetime, time, timedelta

from programs import sessions_schedule
from programs.models import Completion, ExerciseSession, Plan, PlanItem
from tests.programs.history import local_today


def item_of(plan: Plan, slug: str) -> PlanItem:
    plan.refresh_from_db()
    return plan.current_version.items.select_related("exercise").get(exercise__slug=slug)


def scheduled_days(item: PlanItem, today: date, days: int) -> list[date]:
    weekdays = sessions_schedule.scheduled_weekdays(item.sessions_per_week)
    return [
        today - timedelta(days=n)
        for n in range(days - 1, -1, -1)
        if (today - timedelta(days=n)).weekday() in weekdays
    ]


def do_item(patient, item: PlanItem, days: list[date], pains: list[int], feels: list[str]) -> None:
    """The item done on each day with the given pain and feel (other items not done)."""
    zone = patient.patient_profile.zone
    for day, pain, feel in zip(days, pains, feels, strict=True):
        session, _ = ExerciseSession.objects.get_or_create(
            patient=patient,
            local_date=day,
            defaults={
                "plan_version": item.version,
                "started_at": datetime.combine(day, time(18, 0), tzinfo=zone),
            },
        )
        Completion.objects.create(
            session=session,
            plan_item=item,
            exercise=item.exercise,
            pain=pain,
            difficulty=feel,
            completed_at=datetime.combine(day, time(18, 5), tzinfo=zone),
        )


def two_easy_weeks_of_bridges(patient, plan: Plan) -> tuple[PlanItem, list[date]]:
    """Every scheduled glute bridge of the last two weeks done, pain 2 then 1, mostly easy:
    the history that earns one progression step. Returns the bridge item and the days done."""
    bridge = item_of(plan, "glute-bridge")
    days = scheduled_days(bridge, local_today(patient), 14)
    n = len(days)
    do_item(
        patient,
        bridge,
        days,
        [2 if i < n // 2 else 1 for i in range(n)],
        ["too_easy"] * (n - 2) + ["about_right"] * 2,
    )
    return bridge, days
