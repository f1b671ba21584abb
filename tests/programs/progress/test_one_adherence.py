"""One adherence definition (issue 11): Today, Progress (page and API), the caseload row the
alert task keeps, and the SOAP note give the same figures for the same patient and period,
including after a swap in the middle of the week."""

import re
from datetime import timedelta

import pytest

from programs import sessions_schedule
from programs.models import PatientSummary
from programs.selectors.progress import adherence_for_period, progress_for_patient
from programs.services.alerts import alerts_evaluate
from programs.services.notes import note_period_figures
from programs.services.plans import plan_swap_exercise
from programs.services.sessions import completion_record
from tests.conftest import client_for
from tests.programs.history import add_day, local_today, start_plan_on

pytestmark = pytest.mark.django_db


def _note_adherence(patient, start, end) -> tuple[int, int]:
    text = note_period_figures(patient=patient, start=start, end=end)
    completed, prescribed = re.search(r"Adherence: (\d+) of (\d+)", text).groups()
    return int(completed), int(prescribed)


def test_every_surface_agrees_for_the_same_patient_and_period(patient, plan, pt, bridge):
    today = local_today(patient)
    monday = sessions_schedule.week_start(today)
    start_plan_on(patient, plan, monday - timedelta(weeks=5))
    # given five weeks of uneven history, some days with extra exercises beyond the plan
    for n in range(1, 36):
        day = today - timedelta(days=n)
        if n % 3:
            add_day(patient, plan, day, [3, 2, 4, 1] if n % 2 else [2])
    # and today: the bridge done, then swapped for its harder variant
    completion_record(patient=patient, exercise_id=bridge.pk, pain=2, difficulty="about_right")
    plan_swap_exercise(
        therapist=pt, plan=plan, expected_version=1, exercise_id=bridge.pk, direction="harder"
    )
    progress = progress_for_patient(patient=patient)
    week = progress.this_week
    assert week.completed >= 1

    # this week: Today, Progress (selector, page, API), caseload row, note
    today_page = client_for(patient).get("/today/").content.decode()
    assert f"<strong>{week.completed} of {week.prescribed}</strong>" in today_page
    progress_page = client_for(patient).get("/progress/").content.decode()
    assert f"<strong>{week.completed} of {week.prescribed}</strong>" in progress_page
    api = client_for(patient).get("/api/v1/progress/").json()["this_week"]
    assert (api["completed"], api["prescribed"]) == (week.completed, week.prescribed)
    alerts_evaluate(patient_ids=[patient.pk])
    row = PatientSummary.objects.get(patient=patient)
    assert (row.week_completed, row.week_prescribed) == (week.completed, week.prescribed)
    assert _note_adherence(patient, monday, today) == (week.completed, week.prescribed)

    # the four full weeks before: the Progress table's sum, the note and the selector
    four = progress.last_four_weeks
    start, end = four[0].week_start, monday - timedelta(days=1)
    summed = (sum(w.completed for w in four), sum(w.prescribed for w in four))
    assert _note_adherence(patient, start, end) == summed
    period = adherence_for_period(patient=patient, start=start, end=end)
    assert (period.completed, period.prescribed) == summed

    # a period starting mid-week counts only its own days, on every surface
    mid = start + timedelta(days=3)
    period = adherence_for_period(patient=patient, start=mid, end=today)
    assert _note_adherence(patient, mid, today) == (period.completed, period.prescribed)
    whole = adherence_for_period(patient=patient, start=start, end=today)
    assert period.prescribed < whole.prescribed
