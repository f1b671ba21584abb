"""The intake: three tiers of flags, each told to the patient in plain words and opened as an
alert with an owner; only patients answer; the PT sees which flag, when, and in whose words."""

import pytest

from programs.models import Alert, Intake, Plan
from programs.services.intake import intake_submit, intake_tier
from tests.conftest import client_for
from tests.factories import PatientFactory
from therapy.errors import ApplicationError

pytestmark = pytest.mark.django_db


def _post(user, **answers):
    return client_for(user).post(
        "/eligibility/intake/", {"pain_areas": ["lower_back"], "pain_now": "6", **answers}
    )


def test_an_emergency_flag_says_emergency_care_now_and_opens_an_urgent_alert(patient):
    response = _post(patient, saddle_numbness="on")
    page = response.content.decode()
    assert response.status_code == 200
    assert "Please get emergency care now" in page
    assert "Numbness in the groin or inner thighs" in page
    intake = Intake.objects.filter(patient=patient).first()
    assert intake.red_flag_tier == Intake.Tier.EMERGENCY and intake.saddle_numbness
    alert = Alert.objects.get(patient=patient, kind=Alert.Kind.RED_FLAG)
    assert alert.severity == Alert.Severity.URGENT and alert.acknowledged_at is None
    assert alert.details["flags"] == ["saddle_numbness"]
    assert not Plan.objects.filter(patient=patient).exists()


def test_a_past_cancer_alone_is_see_a_doctor_not_emergency(patient):
    # Defect: "get medical care now ... do not start the exercises" for a past cancer alone.
    page = _post(patient, history_of_cancer="on").content.decode()
    assert "Please see a doctor before you start exercising" in page
    assert "within the next day or two" in page
    assert "emergency care now" not in page.lower()
    assert Intake.objects.filter(patient=patient).first().red_flag_tier == Intake.Tier.DOCTOR


def test_a_hip_replacement_asks_the_pt_to_review_first(patient):
    page = _post(patient, hip_replacement="on").content.decode()
    assert "Your physical therapist will check your program first" in page
    assert Intake.objects.filter(patient=patient).first().red_flag_tier == Intake.Tier.PT_REVIEW


@pytest.mark.parametrize(
    ("flag", "tier"),
    [
        ("urinary_retention", Intake.Tier.EMERGENCY),
        ("both_legs_symptoms", Intake.Tier.EMERGENCY),
        ("night_pain", Intake.Tier.DOCTOR),
        ("immunosuppression", Intake.Tier.DOCTOR),
        ("osteoporosis_with_fall", Intake.Tier.DOCTOR),
        ("hip_replacement", Intake.Tier.PT_REVIEW),
        ("recent_surgery", Intake.Tier.PT_REVIEW),
        ("pregnancy", Intake.Tier.PT_REVIEW),
    ],
)
def test_the_missing_screens_exist_on_the_form_and_have_a_tier(patient, flag, tier):
    # Defect: urinary retention, both legs, night pain, immunosuppression, osteoporosis with a
    # fall, and the contraindication questions were not asked at all.
    assert f'name="{flag}"' in client_for(patient).get("/eligibility/intake/").content.decode()
    _post(patient, **{flag: "on"})
    intake = Intake.objects.filter(patient=patient).first()
    assert getattr(intake, flag) and intake.red_flag_tier == tier


def test_the_most_urgent_tier_wins():
    assert intake_tier({"pregnancy": True, "night_pain": True}) == Intake.Tier.DOCTOR
    assert intake_tier({"pregnancy": True, "saddle_numbness": True}) == Intake.Tier.EMERGENCY
    assert intake_tier({}) == Intake.Tier.NONE


def test_an_intake_without_flags_raises_no_alert(patient):
    _post(patient)
    assert not Alert.objects.filter(patient=patient).exists()


def test_intake_submit_checks_its_answers_and_saves_nothing_when_bad(patient, pt):
    before = Intake.objects.count()
    with pytest.raises(ApplicationError) as bad:
        intake_submit(patient=patient, pain_areas=["elbow"], pain_now=11)
    assert set(bad.value.errors) == {"pain_areas", "pain_now"}
    with pytest.raises(ApplicationError):
        intake_submit(patient=pt, pain_areas=["groin"], pain_now=1)
    with pytest.raises(ApplicationError):
        intake_submit(patient=patient, pain_areas=["groin"], pain_now=1, red_flags={"x": True})
    assert Intake.objects.count() == before


def test_only_patients_see_the_intake(pt, employer_admin):
    assert client_for(pt).get("/eligibility/intake/").status_code == 404
    assert client_for(employer_admin).get("/eligibility/intake/").status_code == 404
    assert client_for(None).get("/eligibility/intake/").status_code == 302


def test_the_pt_sees_which_flag_when_and_the_patients_words_with_their_phone(patient, pt):
    # Defect: the PT saw only "A red flag was reported"; the answers were in Django admin only.
    patient.patient_profile.phone = "+1 212 555 0100"
    patient.patient_profile.save()
    _post(
        patient,
        bladder_or_bowel_loss="on",
        history_of_cancer="on",
        in_their_words="Since Tuesday I cannot feel the toilet seat.",
    )
    page = client_for(pt).get(f"/patients/{patient.pk}/").content.decode()
    assert "Emergency care now" in page
    assert "loss of bladder or bowel control" in page
    assert "a history of cancer" in page
    assert "Since Tuesday I cannot feel the toilet seat." in page
    assert "+1 212 555 0100" in page
    assert "EST" in page or "EDT" in page  # when, in the PT's zone with its abbreviation
    assert "Intake safety screen, emergency care now" in page  # the alert names the flags

    api = client_for(pt).get(f"/api/v1/patients/{patient.pk}/intake/").json()
    assert api["phone"] == "+1 212 555 0100"
    assert api["open_flag"] is True
    assert api["intake"]["red_flag_tier"] == "emergency"
    assert [f["name"] for f in api["intake"]["flags"]] == [
        "bladder_or_bowel_loss",
        "history_of_cancer",
    ]
    assert api["intake"]["in_their_words"].startswith("Since Tuesday")


def test_the_intake_api_is_for_the_patients_own_pt_and_staff_only(
    patient, patient2, pt, pt2, employer_admin, staff
):
    url = f"/api/v1/patients/{patient.pk}/intake/"
    assert client_for(pt).get(url).status_code == 200
    assert client_for(staff).get(url).status_code == 200
    assert client_for(pt2).get(url).status_code == 404
    assert client_for(patient).get(url).status_code == 404
    assert client_for(patient2).get(url).status_code == 404
    assert client_for(employer_admin).get(url).status_code == 404
    assert client_for(None).get(url).status_code in (401, 403)


def test_a_patient_never_screened_shows_not_answered_to_the_pt(pt):
    from tests.factories import CareTeamLinkFactory

    fresh = PatientFactory(intake=None)
    CareTeamLinkFactory(patient=fresh, therapist=pt)
    page = client_for(pt).get(f"/patients/{fresh.pk}/").content.decode()
    assert "Not answered yet" in page
