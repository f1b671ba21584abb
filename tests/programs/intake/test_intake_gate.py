"""The intake gate: no program starts until an intake exists and no flag is open, unless the PT
records a clearance with a reason. In the service, so the page, the API and the admin obey."""

import pytest

from accounts.models import AuditEvent
from programs.models import Alert, Intake, IntakeClearance, Plan, PlanItem
from programs.services.intake import intake_clear, intake_submit
from programs.services.plans import plan_assign_template
from tests.conftest import client_for
from tests.factories import CareTeamLinkFactory, PatientFactory
from therapy.errors import ApplicationError, ConflictError

pytestmark = pytest.mark.django_db


@pytest.fixture
def unscreened(pt):
    person = PatientFactory(intake=None, email="new@example.test")
    CareTeamLinkFactory(patient=person, therapist=pt)
    return person


def _flag(patient, **flags):
    return intake_submit(patient=patient, pain_areas=["lower_back"], pain_now=5, red_flags=flags)


def test_assignment_before_intake_is_a_409_on_the_api_and_saves_nothing(unscreened, pt, psoas):
    # Defect: plan_assign_template checked neither that an intake exists nor an open flag.
    response = client_for(pt).post(
        f"/api/v1/patients/{unscreened.pk}/plan/assign/",
        {"template": "psoas"},
        content_type="application/json",
    )
    assert response.status_code == 409
    body = response.json()
    assert "not answered the intake" in body["detail"]
    assert body["errors"] == {"intake": ["No intake yet."]}
    assert not Plan.objects.filter(patient=unscreened).exists()
    assert not PlanItem.objects.filter(version__plan__patient=unscreened).exists()


def test_assignment_before_intake_is_a_message_on_the_page_and_saves_nothing(unscreened, pt, psoas):
    response = client_for(pt).post(
        f"/patients/{unscreened.pk}/plan/assign/", {"template": "psoas"}, follow=True
    )
    assert response.status_code == 200
    assert "has not answered the intake and safety questions yet" in response.content.decode()
    assert not Plan.objects.filter(patient=unscreened).exists()


def test_an_open_cauda_equina_flag_blocks_the_service_itself(patient, pt, psoas):
    _flag(patient, bladder_or_bowel_loss=True)
    with pytest.raises(ConflictError) as refused:
        plan_assign_template(therapist=pt, patient=patient, template=psoas)
    assert refused.value.status == 409
    assert "safety flag that is still open" in refused.value.message
    assert not Plan.objects.filter(patient=patient).exists()


def test_a_clearance_with_a_reason_lets_the_program_start_and_is_audited(patient, pt, psoas):
    _flag(patient, history_of_cancer=True)
    with pytest.raises(ApplicationError):
        intake_clear(therapist=pt, patient_id=patient.pk, reason="   ")
    assert not IntakeClearance.objects.exists()
    clearance = intake_clear(
        therapist=pt,
        patient_id=patient.pk,
        reason="Phoned: breast cancer treated 2012, discharged, no new symptoms.",
    )
    assert AuditEvent.objects.filter(
        object_type="programs.intakeclearance", object_id=str(clearance.pk), actor=pt
    ).exists()
    # the red-flag alert is answered by the same decision
    alert = Alert.objects.get(patient=patient, kind=Alert.Kind.RED_FLAG)
    assert alert.acknowledged_by == pt and "discharged" in alert.acknowledgement_note
    assert plan_assign_template(therapist=pt, patient=patient, template=psoas).pk


def test_a_newer_flagged_intake_needs_a_new_clearance(patient, pt, psoas):
    _flag(patient, night_pain=True)
    intake_clear(therapist=pt, patient_id=patient.pk, reason="Reviewed by phone.")
    _flag(patient, saddle_numbness=True)
    with pytest.raises(ConflictError):
        plan_assign_template(therapist=pt, patient=patient, template=psoas)


def test_another_pt_cannot_clear_and_the_page_needs_a_reason(patient, pt, pt2):
    _flag(patient, pregnancy=True)
    with pytest.raises(Exception) as not_theirs:
        intake_clear(therapist=pt2, patient_id=patient.pk, reason="Looks fine.")
    assert "No such record" in str(not_theirs.value)
    assert (
        client_for(pt2).post(f"/patients/{patient.pk}/intake/clear/", {"reason": "x"}).status_code
        == 404
    )
    client_for(pt).post(f"/patients/{patient.pk}/intake/clear/", {"reason": ""})
    assert not IntakeClearance.objects.exists()
    response = client_for(pt).post(
        f"/api/v1/patients/{patient.pk}/intake/clear/",
        {"reason": "Second trimester; supine work left out."},
        content_type="application/json",
    )
    assert response.status_code == 201
    assert response.json()["open_flag"] is False


def test_hip_replacement_leaves_out_and_swaps_what_its_precautions_rule_out(patient, pt, psoas):
    _flag(patient, hip_replacement=True)
    intake_clear(therapist=pt, patient_id=patient.pk, reason="Posterior approach, 2019.")
    plan = plan_assign_template(therapist=pt, patient=patient, template=psoas)
    slugs = list(
        plan.current_version.items.order_by("order").values_list("exercise__slug", flat=True)
    )
    assert "figure-4-stretch" not in slugs
    assert "half-kneeling-hip-flexor-stretch" not in slugs
    assert slugs[0] == "standing-hip-flexor-stretch"  # swapped in, in its place
    summary = plan.current_version.change_summary
    assert "left out because of hip replacement precautions" in summary
    assert "replaced by Standing hip flexor stretch" in summary or "replaced by" in summary


def test_pregnancy_leaves_out_the_exercises_lying_on_the_back(patient, pt, psoas):
    _flag(patient, pregnancy=True)
    intake_clear(therapist=pt, patient_id=patient.pk, reason="20 weeks, uncomplicated.")
    plan = plan_assign_template(therapist=pt, patient=patient, template=psoas)
    slugs = set(plan.current_version.items.values_list("exercise__slug", flat=True))
    assert not slugs & {"glute-bridge", "supine-march", "dead-bug", "straight-leg-raise"}
    assert {"cat-cow", "side-lying-clam"} <= slugs


def test_a_clean_intake_lets_the_program_start_unchanged(patient, pt, psoas):
    assert Intake.objects.filter(patient=patient, has_red_flags=False).exists()
    plan = plan_assign_template(therapist=pt, patient=patient, template=psoas)
    assert plan.current_version.items.count() == psoas.items.count()


def test_the_admin_cannot_start_a_program_around_the_gate_nor_write_an_intake(staff):
    client = client_for(staff)
    assert client.get("/admin/programs/plan/add/").status_code == 403
    assert client.get("/admin/programs/intake/add/").status_code == 403
