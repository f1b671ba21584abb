"""The intake: red flags tell the person to seek care and alert their PT; only patients answer."""

import pytest

from programs.models import Intake
from programs.services.intake import intake_submit
from tests.conftest import client_for
from therapy.errors import ApplicationError

pytestmark = pytest.mark.django_db


def test_a_red_flag_tells_the_person_to_seek_care_and_is_recorded(patient):
    response = client_for(patient).post(
        "/eligibility/intake/",
        {"pain_areas": ["lower_back"], "pain_now": "8", "saddle_numbness": "on"},
    )
    assert response.status_code == 200
    assert "Please get medical care now" in response.content.decode()
    intake = Intake.objects.get(patient=patient)
    assert intake.has_red_flags and intake.saddle_numbness
    # the PT gets an urgent alert, and no plan starts on its own
    from programs.models import Alert, Plan

    alert = Alert.objects.get(patient=patient, kind=Alert.Kind.RED_FLAG)
    assert alert.severity == Alert.Severity.URGENT
    assert alert.acknowledged_at is None
    assert not Plan.objects.filter(patient=patient).exists()


def test_an_intake_without_red_flags_raises_no_alert(patient):
    client_for(patient).post(
        "/eligibility/intake/", {"pain_areas": ["lower_back"], "pain_now": "4"}
    )
    from programs.models import Alert

    assert not Alert.objects.filter(patient=patient).exists()


def test_intake_submit_checks_its_answers(patient, pt):
    with pytest.raises(ApplicationError) as bad:
        intake_submit(patient=patient, pain_areas=["elbow"], pain_now=11)
    assert set(bad.value.errors) == {"pain_areas", "pain_now"}
    with pytest.raises(ApplicationError):
        intake_submit(patient=pt, pain_areas=["groin"], pain_now=1)
    ok = intake_submit(
        patient=patient,
        pain_areas=["groin"],
        pain_now=0,
        red_flags={"history_of_cancer": True},
    )
    assert ok.has_red_flags


def test_only_patients_see_the_intake(pt, employer_admin):
    assert client_for(pt).get("/eligibility/intake/").status_code == 404
    assert client_for(employer_admin).get("/eligibility/intake/").status_code == 404
    assert client_for(None).get("/eligibility/intake/").status_code == 302
