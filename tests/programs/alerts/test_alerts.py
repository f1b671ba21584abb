"""Alert rules at their boundaries, idempotence, acknowledgement, red flags."""

import time
from datetime import timedelta
from decimal import Decimal

import pytest
from django.db import IntegrityError, transaction
from django.http import Http404

from programs.models import Alert, Intake, PatientSummary
from programs.services.alerts import (
    alert_acknowledge,
    alert_raise_red_flag,
    alerts_evaluate,
    patients_on_caseloads,
)
from programs.services.intake import intake_submit
from programs.tasks import programs_alerts_sweep_task
from tests.mailbox import text_body
from tests.programs.history import add_day, days_ago, start_plan_on
from therapy.errors import ApplicationError

pytestmark = pytest.mark.django_db


def _kinds(patient) -> set[str]:
    return set(
        Alert.objects.filter(patient=patient, acknowledged_at__isnull=True).values_list(
            "kind", flat=True
        )
    )


def _first_week_then_recent(patient, plan, baseline: int, recent: int, first_day: int = 20):
    start_plan_on(patient, plan, days_ago(patient, first_day))
    for n in range(first_day, first_day - 7, -1):  # the first 7 days of activity
        add_day(patient, plan, days_ago(patient, n), [baseline, baseline])
    for n in range(6, -1, -1):  # the last 7 days, today included
        add_day(patient, plan, days_ago(patient, n), [recent, recent])


# --- pain up ---------------------------------------------------------------------------
def test_pain_up_by_two_over_baseline_opens_an_alert(patient, plan):
    Intake.objects.filter(patient=patient).delete()  # the factory's; this test sets the baseline
    _first_week_then_recent(patient, plan, baseline=3, recent=5)
    [alert] = alerts_evaluate(patient_ids=[patient.pk])
    assert alert.kind == Alert.Kind.PAIN_UP
    assert alert.severity == Alert.Severity.ROUTINE
    assert alert.details["baseline_pain"] == "3.0"
    assert alert.details["recent_pain"] == "5.0"
    assert alert.therapist_id == patient.care_team_links.get().therapist_id


def test_pain_up_by_less_than_two_opens_nothing(patient, plan):
    Intake.objects.filter(patient=patient).delete()  # the factory's; this test sets the baseline
    # baseline 3.0, recent 4.9 (mixing 5s and a 4): 1.9 points is under the threshold
    start_plan_on(patient, plan, days_ago(patient, 20))
    for n in range(20, 13, -1):
        add_day(patient, plan, days_ago(patient, n), [3, 3])
    for n in range(6, 1, -1):
        add_day(patient, plan, days_ago(patient, n), [5, 5])
    add_day(patient, plan, days_ago(patient, 1), [4, 5])
    add_day(patient, plan, days_ago(patient, 0), [5, 5])
    assert alerts_evaluate(patient_ids=[patient.pk]) == []
    summary = PatientSummary.objects.get(patient=patient)
    assert summary.recent_pain - summary.baseline_pain == Decimal("1.9")


def test_pain_up_fires_in_the_first_week_against_the_intake_baseline(patient, plan):
    Intake.objects.filter(patient=patient).delete()  # the factory's; this test sets the baseline
    # defect: pain_up needed 13 days of history. Intake pain 2, then three days at 5: +3.
    intake_submit(patient=patient, pain_areas=["front_of_hip"], pain_now=2)
    start_plan_on(patient, plan, days_ago(patient, 3))
    for n in range(2, -1, -1):
        add_day(patient, plan, days_ago(patient, n), [5])
    [alert] = alerts_evaluate(patient_ids=[patient.pk])
    assert alert.kind == Alert.Kind.PAIN_UP
    assert alert.details["inputs"] == {
        "baseline_pain": "2",
        "baseline_source": "intake",
        "recent_pain": "5.0",
        "change": "3.0",
        "window_days": 7,
    }
    assert "intake" in alert.details["rule"] and alert.details["threshold"] == "+2 points"


def test_pain_up_without_an_intake_uses_the_first_days_without_waiting(patient, plan):
    Intake.objects.filter(patient=patient).delete()  # the factory's; this test sets the baseline
    # 10 days of history: first days at 1, the last 7 at 6; baseline = mean of days 1-7
    start_plan_on(patient, plan, days_ago(patient, 9))
    for n in range(9, 6, -1):
        add_day(patient, plan, days_ago(patient, n), [1])
    for n in range(6, -1, -1):
        add_day(patient, plan, days_ago(patient, n), [6])
    [alert] = alerts_evaluate(patient_ids=[patient.pk])
    # baseline (3 x 1 + 4 x 6) / 7 = 3.9, recent 6.0: up 2.1
    assert alert.kind == Alert.Kind.PAIN_UP and alert.details["baseline_source"] == "first week"


# --- inactivity ------------------------------------------------------------------------
def test_seven_days_without_activity_opens_an_alert_six_does_not(patient, plan):
    start_plan_on(patient, plan, days_ago(patient, 30))
    add_day(patient, plan, days_ago(patient, 6), [2])
    assert alerts_evaluate(patient_ids=[patient.pk]) == []

    add_day(patient, plan, days_ago(patient, 12), [2])
    latest = days_ago(patient, 6)
    # move the latest activity back by one day: now exactly 7 days idle
    from programs.models import ExerciseSession

    ExerciseSession.objects.filter(patient=patient, local_date=latest).update(
        local_date=days_ago(patient, 7)
    )
    [alert] = alerts_evaluate(patient_ids=[patient.pk])
    assert alert.kind == Alert.Kind.INACTIVE
    assert alert.details["days_without_activity"] == 7


def test_a_plan_never_started_counts_from_its_start(patient, plan):
    start_plan_on(patient, plan, days_ago(patient, 8))
    [alert] = alerts_evaluate(patient_ids=[patient.pk])
    assert alert.kind == Alert.Kind.INACTIVE
    assert alert.details["inputs"] == {"days_without_activity": 8, "last_activity_on": None}
    assert alert.details["threshold"] == "7 days"


def test_no_plan_no_inactivity_alert(patient):
    assert alerts_evaluate(patient_ids=[patient.pk]) == []


# --- too hard --------------------------------------------------------------------------
def test_most_exercises_too_hard_opens_an_alert(patient, plan):
    start_plan_on(patient, plan, days_ago(patient, 5))
    add_day(patient, plan, days_ago(patient, 2), [3, 3, 3], feel="too_hard")
    add_day(patient, plan, days_ago(patient, 1), [3, 3], feel="about_right")
    # 3 of 5 too hard: more than half
    [alert] = alerts_evaluate(patient_ids=[patient.pk])
    assert alert.kind == Alert.Kind.TOO_HARD
    assert alert.details["inputs"] == {"too_hard": 3, "completions": 5, "window_days": 7}


def test_half_too_hard_or_too_few_completions_opens_nothing(patient, patient2, plan, pt2, psoas):
    from programs.services.plans import plan_assign_template

    start_plan_on(patient, plan, days_ago(patient, 5))
    add_day(patient, plan, days_ago(patient, 2), [3, 3], feel="too_hard")
    add_day(patient, plan, days_ago(patient, 1), [3, 3], feel="about_right")  # 2 of 4: half
    plan2 = plan_assign_template(therapist=pt2, patient=patient2, template=psoas)
    add_day(patient2, plan2, days_ago(patient2, 1), [3, 3, 3], feel="too_hard")  # only 3
    assert alerts_evaluate(patient_ids=[patient.pk, patient2.pk]) == []


# --- idempotence, acknowledgement ------------------------------------------------------
def test_running_twice_opens_each_alert_once(patient, plan):
    start_plan_on(patient, plan, days_ago(patient, 10))
    assert len(alerts_evaluate(patient_ids=[patient.pk])) == 1
    assert alerts_evaluate(patient_ids=[patient.pk]) == []
    programs_alerts_sweep_task.apply()  # the beat's entry point, run in-process
    assert Alert.objects.filter(patient=patient).count() == 1


def test_the_database_refuses_a_second_open_alert_of_a_kind(patient):
    alert_raise_red_flag(patient_id=patient.pk, source="intake")
    with pytest.raises(IntegrityError), transaction.atomic():
        Alert.objects.create(patient=patient, kind="red_flag", severity="urgent")


def test_acknowledge_needs_a_note_and_keeps_the_alert(patient, plan, pt):
    start_plan_on(patient, plan, days_ago(patient, 10))
    [alert] = alerts_evaluate(patient_ids=[patient.pk])
    with pytest.raises(ApplicationError) as exc:
        alert_acknowledge(user=pt, alert_id=alert.pk, note="   ")
    assert "note" in exc.value.errors
    alert_acknowledge(user=pt, alert_id=alert.pk, note="Called: busy week, back tomorrow.")
    alert.refresh_from_db()
    assert alert.acknowledged_by == pt
    assert alert.acknowledgement_note == "Called: busy week, back tomorrow."
    with pytest.raises(ApplicationError):
        alert_acknowledge(user=pt, alert_id=alert.pk, note="again")
    # still inactive, but acknowledged within the week: no new alert straight away
    assert alerts_evaluate(patient_ids=[patient.pk]) == []
    assert Alert.objects.filter(patient=patient).count() == 1


def test_after_a_week_the_same_rule_opens_a_new_alert(patient, plan, pt):
    from django.utils import timezone

    start_plan_on(patient, plan, days_ago(patient, 20))
    [alert] = alerts_evaluate(patient_ids=[patient.pk])
    alert_acknowledge(user=pt, alert_id=alert.pk, note="Left a voicemail.")
    Alert.objects.filter(pk=alert.pk).update(acknowledged_at=timezone.now() - timedelta(days=8))
    [again] = alerts_evaluate(patient_ids=[patient.pk])
    assert again.pk != alert.pk and again.kind == Alert.Kind.INACTIVE


def test_another_pt_cannot_acknowledge(patient, plan, pt2):
    start_plan_on(patient, plan, days_ago(patient, 10))
    [alert] = alerts_evaluate(patient_ids=[patient.pk])
    with pytest.raises(Http404):
        alert_acknowledge(user=pt2, alert_id=alert.pk, note="not mine")
    alert.refresh_from_db()
    assert alert.is_open


def test_alerts_are_never_deleted(patient):
    alert = alert_raise_red_flag(patient_id=patient.pk, source="intake")
    with pytest.raises(RuntimeError):
        alert.delete()
    with pytest.raises(IntegrityError), transaction.atomic():
        Alert.objects.filter(pk=alert.pk).delete()  # the trigger refuses a bulk delete too
    assert Alert.objects.filter(pk=alert.pk).exists()


# --- red flag --------------------------------------------------------------------------
@pytest.mark.django_db(transaction=True)
def test_red_flag_is_urgent_idempotent_and_emails_the_pt_without_health_data(
    patient, pt, mailbox, celery_session_worker
):
    first = alert_raise_red_flag(patient_id=patient.pk, source="intake")
    second = alert_raise_red_flag(patient_id=patient.pk, source="intake")
    assert first.pk == second.pk
    assert first.severity == Alert.Severity.URGENT and first.kind == Alert.Kind.RED_FLAG
    [message] = mailbox.wait_for(pt.email)
    text = message["Subject"] + text_body(message)
    assert "urgent alert" in text.lower()
    for private in (patient.first_name, patient.last_name, patient.email, "red flag", "intake"):
        assert private.lower() not in text.lower()
    # The worker marks the alert in the transaction that sent the email: the mark commits a
    # moment after the SMTP sink has the message.
    deadline = time.monotonic() + 10
    while Alert.objects.get(pk=first.pk).therapist_notified_at is None:
        assert time.monotonic() < deadline, "the alert was never marked as notified"
        time.sleep(0.05)


def test_red_flag_for_an_unknown_patient_is_refused(pt):
    with pytest.raises(ApplicationError):
        alert_raise_red_flag(patient_id=pt.pk, source="intake")


def test_sweep_population_is_everyone_on_a_caseload(patient, patient2):
    assert patients_on_caseloads() == sorted([patient.pk, patient2.pk])
