"""Exercise history on chosen local days, for alert and caseload tests."""

from datetime import date, datetime, time, timedelta

from programs import sessions_schedule
from programs.models import Completion, ExerciseSession, Plan


def local_today(patient) -> date:
    return sessions_schedule.local_today(patient.patient_profile.time_zone)


def add_day(patient, plan: Plan, day: date, pains: list[int], feel: str = "about_right") -> None:
    """One session on `day` with one completion per pain value (distinct exercises)."""
    zone = patient.patient_profile.zone
    items = list(plan.current_version.items.select_related("exercise").order_by("order"))
    session = ExerciseSession.objects.create(
        patient=patient,
        plan_version=plan.current_version,
        local_date=day,
        started_at=datetime.combine(day, time(18, 0), tzinfo=zone),
    )
    for item, pain in zip(items, pains, strict=False):
        Completion.objects.create(
            session=session,
            plan_item=item,
            exercise=item.exercise,
            pain=pain,
            difficulty=feel,
            completed_at=datetime.combine(day, time(18, 5), tzinfo=zone),
        )


def start_plan_on(patient, plan: Plan, day: date) -> None:
    started = datetime.combine(day, time(9, 0), tzinfo=patient.patient_profile.zone)
    Plan.objects.filter(pk=plan.pk).update(created_at=started)
    plan.versions.update(created_at=started)
    plan.refresh_from_db()


def days_ago(patient, n: int) -> date:
    return local_today(patient) - timedelta(days=n)


def ensure_psoas_library():
    """The psoas library comes from a data migration; a transactional test that ran earlier
    flushed it. Seed it again with the migration's own (idempotent) function."""
    import importlib

    from django.apps import apps

    from programs.models import ProgramTemplate

    if not ProgramTemplate.objects.filter(slug="psoas").exists():
        migration = importlib.import_module("programs.migrations.0002_seed_psoas_library")
        migration.seed(apps, None)
    return ProgramTemplate.objects.get(slug="psoas")
