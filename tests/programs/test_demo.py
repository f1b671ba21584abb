"""The demo data seed_demo writes for `make run` (programs/demo.py), run twice."""

import pytest
from django.core.management import call_command

from accounts.models import User
from programs.models import Alert, Message, OutcomeResponse, PatientSummary, VisitSchedule
from programs.selectors.messaging import unread_count_for_user
from programs.selectors.outcomes import outcome_overview
from programs.selectors.visits import open_slots_for_therapist


@pytest.mark.django_db
def test_seed_demo_publishes_availability_and_a_first_message_once(settings):
    settings.DEBUG = True
    call_command("seed_demo")
    call_command("seed_demo")
    patient = User.objects.get(email="patient@demo.test")
    pt = User.objects.get(email="pt@demo.test")
    assert Message.objects.filter(patient=patient).count() == 1
    assert unread_count_for_user(user=patient) == 1
    assert unread_count_for_user(user=pt) == 0
    assert VisitSchedule.objects.count() == 2
    assert open_slots_for_therapist(therapist=pt, patient=patient)


@pytest.mark.django_db
def test_seed_demo_adds_outcomes_an_alert_and_caseload_rows_once(settings):
    settings.DEBUG = True
    call_command("seed_demo")
    call_command("seed_demo")
    patient = User.objects.get(email="patient@demo.test")
    patient2 = User.objects.get(email="patient2@demo.test")
    assert OutcomeResponse.objects.filter(patient=patient).count() == 7
    assert list(Alert.objects.values_list("patient", "kind")) == [(patient2.pk, "inactive")]
    assert PatientSummary.objects.get(patient=patient).last_activity_on is not None
    odi = outcome_overview(user=patient, patient_id=patient.pk).odi_chart
    assert odi.points[-1].meaningful and odi.points[-1].improved
