"""A real Celery worker evaluates alerts after a completion is recorded."""

import time

import pytest

from programs.models import Alert, PatientSummary
from programs.services.sessions import completion_record
from tests.programs.history import add_day, days_ago, ensure_psoas_library

pytestmark = [
    pytest.mark.integration,
    pytest.mark.django_db(transaction=True),
]


def _wait_until(predicate, timeout: float = 15.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return
        time.sleep(0.05)
    raise AssertionError("condition not met in time")


def test_worker_opens_a_too_hard_alert_after_completions(celery_session_worker, patient, pt):
    from programs.services.plans import plan_assign_template

    psoas = ensure_psoas_library()
    plan = plan_assign_template(therapist=pt, patient=patient, template=psoas)
    add_day(patient, plan, days_ago(patient, 1), [4, 4, 4], feel="too_hard")
    assert not Alert.objects.filter(patient=patient).exists()
    # when: the patient marks one more exercise too hard today (4 of 4 in the week)
    exercise_id = plan.current_version.items.order_by("order").first().exercise_id
    completion_record(patient=patient, exercise_id=exercise_id, pain=5, difficulty="too_hard")
    # then: the worker, not this test, evaluated the patient and opened the alert
    _wait_until(lambda: Alert.objects.filter(patient=patient, kind="too_hard").exists())
    alert = Alert.objects.get(patient=patient, kind="too_hard")
    assert alert.details["inputs"] == {"too_hard": 4, "completions": 4, "window_days": 7}
    summary = PatientSummary.objects.get(patient=patient)
    assert summary.last_activity_on == days_ago(patient, 0) and summary.latest_pain == 5
