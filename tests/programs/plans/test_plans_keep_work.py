"""Plans never lose work (issue 11): re-assigning over a plan asks first and makes a new
version with the history kept; a swap keeps what was already done today and this week."""

from datetime import timedelta

import pytest

from programs.models import Exercise, Plan, PlanVersion
from programs.selectors.progress import adherence_weeks
from programs.selectors.sessions import today_for_patient, today_plan_rows
from programs.services.plans import plan_assign_template, plan_swap_exercise
from programs.services.sessions import completion_record
from tests.conftest import client_for
from tests.programs.history import local_today, start_plan_on
from therapy.errors import ConflictError

pytestmark = pytest.mark.django_db


def test_assigning_over_a_plan_needs_confirmation_then_makes_a_new_version(
    pt, patient, plan, psoas, bridge
):
    # defect: it restarted at version 1 in one click and earlier versions vanished
    plan_swap_exercise(
        therapist=pt, plan=plan, expected_version=1, exercise_id=bridge.pk, direction="harder"
    )
    with pytest.raises(ConflictError) as exc:
        plan_assign_template(therapist=pt, patient=patient, template=psoas)
    assert exc.value.status == 409 and "version 2" in exc.value.message
    assert plan.versions.count() == 2
    same = plan_assign_template(therapist=pt, patient=patient, template=psoas, replace=True)
    assert same.pk == plan.pk and Plan.objects.filter(patient=patient).count() == 1
    assert [v.number for v in same.versions.order_by("number")] == [1, 2, 3]
    assert same.current_version.number == 3


def test_the_page_asks_before_replacing_and_the_history_keeps_every_version(
    pt, patient, plan, bridge
):
    plan_swap_exercise(
        therapist=pt, plan=plan, expected_version=1, exercise_id=bridge.pk, direction="harder"
    )
    client = client_for(pt)
    url = f"/patients/{patient.pk}/plan/assign/"
    response = client.post(url, {"template": "psoas"})
    assert response.status_code == 409
    page = response.content.decode()
    assert "Confirm to replace its exercises" in page and 'name="replace" value="yes"' in page
    assert PlanVersion.objects.filter(plan=plan).count() == 2  # nothing changed yet
    response = client.post(url, {"template": "psoas", "replace": "yes"})
    assert response.status_code == 302
    history = client.get(f"/patients/{patient.pk}/plan/versions/").content.decode()
    for number in (1, 2, 3):
        assert f"Version {number}" in history


def test_the_api_answers_409_until_replace_is_confirmed(pt, patient, plan):
    client = client_for(pt)
    url = f"/api/v1/patients/{patient.pk}/plan/assign/"
    response = client.post(url, {"template": "psoas"}, content_type="application/json")
    assert response.status_code == 409
    assert response.json()["errors"] == {"replace": ["Confirm replacing the current plan."]}
    response = client.post(
        url, {"template": "psoas", "replace": True}, content_type="application/json"
    )
    assert response.status_code == 201
    assert response.json()["version"]["number"] == 2


def test_a_swap_keeps_todays_completion_and_the_weeks_adherence(pt, patient, plan, bridge):
    # defect: "1 done" became "0 done" and the week's adherence dropped
    start_plan_on(patient, plan, local_today(patient) - timedelta(days=14))
    completion_record(patient=patient, exercise_id=bridge.pk, pain=2, difficulty="about_right")
    before = adherence_weeks(patient=patient, today=local_today(patient), weeks=1)[0]
    assert today_for_patient(patient=patient).done_count == 1
    plan_swap_exercise(
        therapist=pt, plan=plan, expected_version=1, exercise_id=bridge.pk, direction="harder"
    )
    harder = Exercise.objects.get(slug="single-leg-glute-bridge")
    today = today_for_patient(patient=patient)
    assert today.done_count == 1
    row = next(r for r in today.items if r.exercise.pk == harder.pk)
    assert row.completion is not None and row.completion.exercise_id == bridge.pk
    api = {i["exercise"]["id"]: i for i in today_plan_rows(patient=patient)["items"]}
    assert api[harder.pk]["completion"] == {"pain": 2, "difficulty": "about_right"}
    after = adherence_weeks(patient=patient, today=local_today(patient), weeks=1)[0]
    assert after.completed == before.completed >= 1
    page = client_for(patient).get("/today/").content.decode()
    assert "(1 done)" in page
