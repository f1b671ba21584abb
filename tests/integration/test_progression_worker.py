"""A real Celery worker checks progression after the patient finishes a session."""

from datetime import timedelta

import pytest

from programs.models import ProgressionSuggestion
from programs.services.plans import plan_assign_template
from programs.services.sessions import completion_record, session_finish
from tests.integration.test_alert_worker import _wait_until
from tests.programs.history import ensure_psoas_library, local_today, start_plan_on
from tests.programs.progression.history import do_item, item_of, scheduled_days

pytestmark = [pytest.mark.integration, pytest.mark.django_db(transaction=True)]


def test_finishing_a_session_queues_a_check_that_suggests_an_advance(
    celery_session_worker, patient, pt
):
    # given: nearly two weeks of easy, low-pain glute bridges, and no suggestion yet
    plan = plan_assign_template(therapist=pt, patient=patient, template=ensure_psoas_library())
    today = local_today(patient)
    start_plan_on(patient, plan, today - timedelta(days=21))
    bridge = item_of(plan, "glute-bridge")
    days = scheduled_days(bridge, today - timedelta(days=1), 13)
    do_item(patient, bridge, days, [2] * 3 + [1] * (len(days) - 3), ["too_easy"] * len(days))
    assert not ProgressionSuggestion.objects.exists()
    # when: the patient does today's bridge and finishes the session
    completion_record(
        patient=patient, exercise_id=bridge.exercise_id, pain=1, difficulty="too_easy"
    )
    session_finish(patient=patient)
    # then: the worker, not this test, made the suggestion
    _wait_until(lambda: ProgressionSuggestion.objects.filter(patient=patient).exists())
    suggestion = ProgressionSuggestion.objects.get(patient=patient)
    assert (suggestion.direction, suggestion.to_sets, suggestion.to_reps) == ("advance", 3, 10)
