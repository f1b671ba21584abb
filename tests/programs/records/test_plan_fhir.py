"""A PT exports a plan as a FHIR CarePlan and imports it into another patient's plan
(issue 12, item 3)."""

import copy
import json

import pytest
from django.test import Client

from accounts.models import AuditEvent
from programs.models import Plan, PlanVersion
from programs.records_fhir import EXERCISE_SYSTEM, EXT_SETS
from programs.services.plans import plan_assign_template
from tests.conftest import client_for
from tests.factories import CareTeamLinkFactory, PatientFactory
from tests.programs.records.fhir_check import fhir_problems


def _url(patient) -> str:
    return f"/api/v1/patients/{patient.pk}/plan/fhir/"


def _prescription(careplan: dict) -> list:
    """What the patient is asked to do: exercise codes, extensions, timing, in order."""
    return [
        (
            a["detail"]["code"]["coding"][0]["code"],
            sorted(json.dumps(e, sort_keys=True) for e in a["detail"]["extension"]),
            a["detail"]["scheduledTiming"],
        )
        for a in careplan["activity"]
    ]


def _post(client, patient, body, content_type="application/fhir+json"):
    data = body if isinstance(body, str) else json.dumps(body)
    return client.post(_url(patient), data=data, content_type=content_type)


@pytest.fixture
def other(pt):
    """A second patient on the same PT's caseload, with no plan yet."""
    person = PatientFactory(email="other@example.test")
    CareTeamLinkFactory(patient=person, therapist=pt)
    return person


@pytest.mark.django_db
def test_export_import_export_gives_the_same_prescription(pt, plan, patient, other):
    client = client_for(pt)
    exported = client.get(_url(patient))
    assert exported.status_code == 200
    careplan = exported.json()
    assert fhir_problems(careplan) == []
    assert careplan["activity"][0]["detail"]["code"]["coding"][0]["system"] == EXERCISE_SYSTEM

    imported = _post(client, other, careplan)
    assert imported.status_code == 200, imported.json()
    assert fhir_problems(imported.json()) == []
    again = client.get(_url(other)).json()

    assert _prescription(again) == _prescription(careplan)
    assert Plan.objects.get(patient=other).current_version.created_by == pt
    assert AuditEvent.objects.filter(action="update", patient=other, actor=pt).exists()
    # importing it a second time changes nothing, and says so
    assert _post(client, other, careplan).status_code == 400
    assert PlanVersion.objects.filter(plan__patient=other).count() == 1


@pytest.mark.django_db
def test_import_over_an_existing_plan_makes_a_new_version(pt, plan, patient, other, psoas):
    other_plan = plan_assign_template(therapist=pt, patient=other, template=psoas)
    careplan = client_for(pt).get(_url(patient)).json()
    careplan["activity"] = careplan["activity"][:2]
    response = _post(client_for(pt), other, careplan)
    assert response.status_code == 200
    other_plan.refresh_from_db()
    assert other_plan.current_version.number == 2
    assert other_plan.current_version.items.count() == 2


def _bad(careplan: dict, change) -> dict:
    broken = copy.deepcopy(careplan)
    change(broken)
    return broken


def _set_sets(careplan: dict, value: object) -> None:
    for e in careplan["activity"][0]["detail"]["extension"]:
        if e["url"] == EXT_SETS:
            e["valueInteger"] = value


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("change", "element"),
    [
        (
            lambda c: c["activity"][1]["detail"]["code"]["coding"][0].update(code="moon-walk"),
            "CarePlan.activity[1].detail.code",
        ),
        (lambda c: _set_sets(c, 99), "CarePlan.activity[0].detail.extension"),
        (lambda c: _set_sets(c, "three"), "CarePlan.activity[0].detail.extension"),
        (
            lambda c: c["activity"][0]["detail"]["scheduledTiming"]["repeat"].update(frequency=9),
            "CarePlan.activity[0].detail.scheduledTiming",
        ),
        (
            lambda c: c["activity"][0]["detail"]["scheduledTiming"]["repeat"].update(
                periodUnit="week"
            ),
            "CarePlan.activity[0].detail.scheduledTiming",
        ),
        (lambda c: c.update(resourceType="Patient"), "CarePlan.resourceType"),
        (lambda c: c.update(activity=[]), "CarePlan.activity"),
        (lambda c: c.pop("intent"), "CarePlan.intent"),
    ],
)
def test_a_wrong_careplan_gets_a_400_naming_the_element_and_nothing_changes(
    pt, plan, patient, other, change, element
):
    client = client_for(pt)
    careplan = client.get(_url(patient)).json()
    versions = PlanVersion.objects.count()

    response = _post(client, other, _bad(careplan, change))

    assert response.status_code == 400
    body = response.json()
    assert element in body["errors"], body
    assert element in body["detail"]
    assert PlanVersion.objects.count() == versions
    assert not Plan.objects.filter(patient=other).exists()


@pytest.mark.django_db
def test_malformed_fhir_json_is_a_400_and_nothing_changes(pt, plan, other):
    response = _post(client_for(pt), other, '{"resourceType": "CarePlan", ')
    assert response.status_code == 400
    assert "detail" in response.json()
    assert not Plan.objects.filter(patient=other).exists()


@pytest.mark.django_db
def test_only_the_patients_own_pts_reach_their_careplan(pt, pt2, plan, patient, employer_admin):
    careplan = client_for(pt).get(_url(patient)).json()
    for outsider in (pt2, employer_admin):
        assert client_for(outsider).get(_url(patient)).status_code == 404
        assert _post(client_for(outsider), patient, careplan).status_code == 404
    assert _post(client_for(patient), patient, careplan).status_code == 404
    assert client_for(patient).get(_url(patient)).status_code == 200  # their own plan
    assert Client().get(_url(patient)).status_code in (401, 403)
