"""Demo data for `make run` (see seed_demo): a program and a few weeks of history for the demo
patient; the PTs' availability and a first message (that part is idempotent)."""

import random
from datetime import datetime, time, timedelta
from typing import Any

from django.db import transaction

from accounts.models import User
from programs import sessions_schedule
from programs.models import (
    Completion,
    ExerciseSession,
    Intake,
    Message,
    OutcomeResponse,
    Plan,
    PlanVersion,
    ProgramTemplate,
    ThreadReadState,
    VisitSchedule,
)
from programs.services.alerts import alerts_evaluate
from programs.services.intake import intake_submit
from programs.services.outcomes import outcome_record
from programs.services.plans import plan_assign_template
from programs.services.visits import availability_set
from programs.visits_slots import WeeklyWindow

HISTORY_WEEKS = 3


def seed_intake(*, patient: User) -> None:
    """A clean intake (no flags), answered before the program: the intake gate requires one."""
    if not Intake.objects.filter(patient=patient).exists():
        intake_submit(
            patient=patient,
            pain_areas=["front_of_hip", "lower_back"],
            pain_now=6,
            goals="Sit through a workday without hip pain.",
            hard_activities=["getting out of a car", "standing up after sitting"],
        )


@transaction.atomic
def seed_program(*, patient: User, therapist: User) -> Plan:
    """Put the patient on the psoas program three weeks ago, with sessions most days since."""
    existing = Plan.objects.filter(patient=patient, status=Plan.Status.ACTIVE).first()
    if existing:
        return existing
    template = ProgramTemplate.objects.get(slug="psoas")
    seed_intake(patient=patient)
    plan = plan_assign_template(therapist=therapist, patient=patient, template=template)
    zone = patient.patient_profile.zone
    today = sessions_schedule.local_today(patient.patient_profile.time_zone)
    start = today - timedelta(weeks=HISTORY_WEEKS)
    started_at = datetime.combine(start, time(9, 0), tzinfo=zone)
    Plan.objects.filter(pk=plan.pk).update(created_at=started_at)
    PlanVersion.objects.filter(plan=plan).update(
        created_at=started_at, seen_by_patient_at=started_at
    )
    plan.refresh_from_db()
    version = plan.current_version
    assert version is not None  # plan_assign_template made the first version
    items = list(version.items.select_related("exercise"))
    rng = random.Random(patient.pk)  # noqa: S311 - demo data, not security
    done_days: dict[int, set] = {i.exercise_id: set() for i in items}
    day = start
    while day < today:
        if rng.random() < 0.8:  # about four days in five
            progress = (day - start).days / max(1, (today - start).days)
            pain_base = round(5 - 2.5 * progress)
            session = ExerciseSession.objects.create(
                patient=patient,
                plan_version=version,
                local_date=day,
                started_at=datetime.combine(day, time(18, 0), tzinfo=zone),
                finished_at=datetime.combine(day, time(18, 20), tzinfo=zone),
            )
            for item in items:
                if sessions_schedule.is_due(
                    day, item.sessions_per_week, done_days[item.exercise_id], start
                ):
                    done_days[item.exercise_id].add(day)
                    Completion.objects.create(
                        session=session,
                        plan_item=item,
                        exercise=item.exercise,
                        pain=max(0, min(10, pain_base + rng.choice([-1, 0, 0, 1]))),
                        difficulty=Completion.Feel.ABOUT_RIGHT,
                        completed_at=datetime.combine(day, time(18, 10), tzinfo=zone),
                    )
        day += timedelta(days=1)
    return plan


@transaction.atomic
def seed_outcomes_and_alerts(*, patient: User, patient2: User, therapist2: User) -> None:
    """Outcome measures for the demo patient (baseline three weeks ago, now), patient2 on a
    plan they have not started for ten days (an inactivity alert for pt2), caseload rows."""

    if not OutcomeResponse.objects.filter(patient=patient).exists():
        today = sessions_schedule.local_today(patient.patient_profile.time_zone)
        zone = patient.patient_profile.zone
        odi_then = dict.fromkeys(
            ("pain_intensity", "lifting", "sitting", "standing", "travelling"), 3
        ) | dict.fromkeys(("personal_care", "walking", "sleeping", "social_life"), 1)
        odi_now = dict.fromkeys(odi_then, 1) | {"sitting": 2, "pain_intensity": 2}
        activities = [
            {"activity": "Sitting through a work meeting", "rating": 3},
            {"activity": "Getting up from the floor", "rating": 4},
            {"activity": "Walking the dog for 30 minutes", "rating": 5},
        ]
        entries: list[tuple[int, str, dict[str, Any]]] = [
            (HISTORY_WEEKS * 7, "odi", {"sections": odi_then}),
            (HISTORY_WEEKS * 7, "psfs", {"activities": activities}),
            (HISTORY_WEEKS * 7, "nrs", {"pain": 6}),
            (14, "nrs", {"pain": 5}),
            (7, "nrs", {"pain": 4}),
            (1, "nrs", {"pain": 3}),
            (1, "odi", {"sections": odi_now}),
        ]
        for days_ago, measure, answers in entries:
            response = outcome_record(patient=patient, measure=measure, answers=answers)
            day = today - timedelta(days=days_ago)
            OutcomeResponse.objects.filter(pk=response.pk).update(
                local_date=day, answered_at=datetime.combine(day, time(19, 0), tzinfo=zone)
            )
    if not Plan.objects.filter(patient=patient2).exists():
        template = ProgramTemplate.objects.get(slug="psoas")
        seed_intake(patient=patient2)
        plan = plan_assign_template(therapist=therapist2, patient=patient2, template=template)
        today = sessions_schedule.local_today(patient2.patient_profile.time_zone)
        started_at = datetime.combine(
            today - timedelta(days=10), time(9, 0), tzinfo=patient2.patient_profile.zone
        )
        Plan.objects.filter(pk=plan.pk).update(created_at=started_at)
        PlanVersion.objects.filter(plan=plan).update(
            created_at=started_at, seen_by_patient_at=started_at
        )
    alerts_evaluate(patient_ids=[patient.pk, patient2.pk])


WELCOME = (
    "Welcome to your program! I'm your physical therapist. Write to me here with any "
    "questions about your exercises, and book a video visit under Visits when you'd like to talk."
)


@transaction.atomic
def seed_messages_and_visits(*, patient: User, therapists: list[User]) -> None:
    for therapist in therapists:
        if not VisitSchedule.objects.filter(therapist=therapist).exists():
            availability_set(
                therapist=therapist,
                visit_minutes=30,
                windows=[WeeklyWindow(day, time(9, 0), time(17, 0)) for day in range(5)],
            )
    primary = therapists[0]
    if not Message.objects.filter(patient=patient).exists():
        message = Message.objects.create(patient=patient, sender=primary, body=WELCOME)
        ThreadReadState.objects.create(
            patient=patient, user=primary, last_read_message_id=message.pk
        )
