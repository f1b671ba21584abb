from datetime import UTC, datetime, timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from programs.demo import seed_program
from programs.selectors.sessions import today_for_patient
from programs.services.sessions import completion_record


@pytest.mark.django_db
def test_today_lists_due_exercises_and_marks_done(plan, patient, bridge):
    today = today_for_patient(patient=patient)
    assert today.plan == plan
    assert bridge.pk in [row.exercise.pk for row in today.due] or bridge.pk in [
        row.exercise.pk for row in today.not_due
    ]
    completion_record(patient=patient, exercise_id=bridge.pk, pain=2, difficulty="about_right")
    today = today_for_patient(patient=patient)
    row = next(r for r in today.items if r.exercise.pk == bridge.pk)
    assert row.completion.pain == 2
    assert today.done_count == 1


@pytest.mark.django_db
def test_today_query_count_does_not_grow_with_history(patient, pt):
    seed_program(patient=patient, therapist=pt)
    patient.refresh_from_db()
    with CaptureQueriesContext(connection) as ctx:
        today_for_patient(patient=patient)
    assert len(ctx.captured_queries) <= 4


@pytest.mark.django_db
def test_local_day_decides_which_session(plan, patient, bridge):
    patient.patient_profile.time_zone = "Pacific/Kiritimati"  # UTC+14
    patient.patient_profile.save()
    late_utc = datetime.now(UTC).replace(hour=23, minute=0)
    today = today_for_patient(patient=patient, now=late_utc)
    assert today.local_date == (late_utc + timedelta(hours=14)).date()


@pytest.mark.django_db
def test_a_plan_assigned_midweek_owes_nothing_for_the_days_before(plan, patient, bridge):
    # given the plan was assigned on a Wednesday morning (the bridge is Mon/Tue/Thu/Fri/Sun)
    from programs.models import Plan

    wednesday = datetime(2026, 11, 25, 14, 0, tzinfo=UTC)
    Plan.objects.filter(pk=plan.pk).update(created_at=wednesday)
    patient.refresh_from_db()
    # when the patient opens Today that afternoon
    today = today_for_patient(patient=patient, now=wednesday + timedelta(hours=2))
    row = next(r for r in today.items if r.exercise.pk == bridge.pk)
    # then the bridge is not a catch-up of days before the plan existed
    assert not row.due and not row.catch_up
    daily = next(r for r in today.items if r.item.sessions_per_week == 7)
    assert daily.due
    # and the API says the same
    from programs.selectors.sessions import today_plan_rows

    rows = today_plan_rows(patient=patient, now=wednesday + timedelta(hours=2))["items"]
    assert [r["due"] for r in rows] == [r.due for r in today.items]
