import pytest
from django.core.management import call_command

from accounts.models import User
from programs.models import Alert, OutcomeResponse, PatientSummary
from programs.selectors.outcomes import outcome_overview


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
