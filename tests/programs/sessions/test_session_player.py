"""The session player's server side: the pain an untouched slider sends (none), high pain
raising its alert through the one completion path, the finish screen and its streak."""

import pytest

from programs import sessions_schedule
from programs.models import Alert, Completion, ExerciseSession
from programs.selectors.progress import streak_days
from programs.services.alerts import alerts_evaluate
from tests.conftest import client_for
from tests.programs.history import add_day, days_ago, start_plan_on

pytestmark = pytest.mark.django_db


def _done(client, exercise_id: int, data: dict, **headers):
    fields = {f"ex{exercise_id}-{k}": v for k, v in data.items()}
    return client.post(f"/today/done/{exercise_id}/", fields, **headers)


def test_an_untouched_pain_slider_records_no_pain_and_asks_for_it(plan, patient, bridge):
    # given: the card as rendered, with no pain radio checked (the slider checks one when moved)
    client = client_for(patient)
    page = client.get("/today/").content.decode()
    assert f'name="ex{bridge.pk}-pain"' in page
    assert "checked" not in page.split(f'id="exercise-{bridge.pk}"')[1].split("</form>")[0]
    # when: the form goes with a difficulty and no pain, as an untouched slider sends it
    response = _done(client, bridge.pk, {"difficulty": "about_right"}, HTTP_HX_REQUEST="true")
    # then: nothing recorded, the patient is asked for their pain on the card
    assert not Completion.objects.exists()
    assert "Give your pain from 0 to 10." in response.content.decode()
    assert 'aria-invalid="true"' in response.content.decode()


def test_high_pain_from_the_player_raises_the_alert_through_the_same_path(
    plan, patient, bridge, pt
):
    # given: a 7 out of 10 three days ago
    start_plan_on(patient, plan, days_ago(patient, 10))
    add_day(patient, plan, days_ago(patient, 3), [7])
    # when: today's card is sent with the slider moved to 8
    response = _done(client_for(patient), bridge.pk, {"pain": "8", "difficulty": "too_hard"})
    assert response.status_code == 302
    assert Completion.objects.get(session__local_date=days_ago(patient, 0)).pain == 8
    # and the worker's evaluation runs (completion_record queues it on commit)
    alerts_evaluate(patient_ids=[patient.pk])
    # then
    alert = Alert.objects.get(patient=patient, kind=Alert.Kind.PAIN_HIGH)
    assert alert.severity == Alert.Severity.URGENT


def test_finishing_in_the_player_shows_the_streak_by_the_one_definition(plan, patient, bridge):
    # given: exercise yesterday and the day before, and the bridge done today
    start_plan_on(patient, plan, days_ago(patient, 10))
    add_day(patient, plan, days_ago(patient, 2), [2])
    add_day(patient, plan, days_ago(patient, 1), [2])
    client = client_for(patient)
    _done(client, bridge.pk, {"pain": "1", "difficulty": "about_right"})
    # when: the player finishes the session (htmx)
    response = client.post("/today/finish/", HTTP_HX_REQUEST="true")
    # then: the finish screen alone, with the streak progress.py counts
    body = response.content.decode()
    today = sessions_schedule.local_today(patient.patient_profile.time_zone)
    expected = streak_days(patient=patient, today=today)
    assert expected == 3
    assert body.lstrip().startswith('<section aria-labelledby="finish-heading"')
    assert f'<span class="streak-count">{expected}</span>' in body
    assert "days in a row" in body and "What's next" in body
    assert ExerciseSession.objects.get(local_date=today).finished_at is not None


def test_finishing_with_nothing_done_answers_on_the_finish_step(plan, patient):
    response = client_for(patient).post("/today/finish/", HTTP_HX_REQUEST="true")
    assert response.status_code == 200
    assert "Mark at least one exercise done" in response.content.decode()
    assert not ExerciseSession.objects.filter(finished_at__isnull=False).exists()


def test_progress_shows_no_empty_week_before_the_program_began(plan, patient):
    # given: a plan that began today, so the four weeks before it had nothing planned
    page = client_for(patient).get("/progress/").content.decode()
    # then: no "0 of 0" week, only this week
    assert "0 of 0" not in page
    assert "Week of" not in page
    assert "This week" in page
