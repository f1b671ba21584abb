"""The FHIR R4 export (issue 12, item 2): every resource valid, required codes included."""

import json

import pytest
from django.test import Client

from accounts.models import AuditEvent
from programs.records_fhir import EXERCISE_SYSTEM, EXT_EACH_SIDE, EXT_HOLD, EXT_REPS, EXT_SETS
from tests.conftest import client_for
from tests.programs.records.fhir_check import fhir_problems
from tests.programs.records.full_record import build_full_record

URL = "/api/v1/me/export/fhir/"


def _bundle(response) -> dict:
    assert response.status_code == 200
    assert response["Content-Type"] == "application/fhir+json"
    return json.loads(b"".join(response.streaming_content))


@pytest.mark.django_db
def test_the_fhir_export_is_a_valid_r4_bundle_of_everything_held(pt, patient, patient2):
    # given
    build_full_record(patient=patient, pt=pt)

    # when
    bundle = _bundle(client_for(patient).get(URL))

    # then: valid, structure, types and required codes, every resource
    assert bundle["resourceType"] == "Bundle" and bundle["type"] == "collection"
    assert fhir_problems(bundle) == []
    resources = [entry["resource"] for entry in bundle["entry"]]
    by_type: dict[str, list[dict]] = {}
    for resource in resources:
        by_type.setdefault(resource["resourceType"], []).append(resource)
    assert set(by_type) == {
        "Patient",
        "Practitioner",
        "CarePlan",
        "Provenance",
        "Observation",
        "QuestionnaireResponse",
        "Communication",
        "Appointment",
        "DocumentReference",
    }
    assert by_type["Patient"][0]["birthDate"] == "1985-06-15"
    # the plan: two versions, the first replaced by the second, each with its provenance
    v1, v2 = sorted(by_type["CarePlan"], key=lambda r: r["id"])
    assert (v1["status"], v2["status"]) == ("revoked", "active")
    assert v2["replaces"] == [{"reference": f"CarePlan/{v1['id']}"}]
    assert "now 3 x" in v2["description"]
    provenance = {p["target"][0]["reference"]: p for p in by_type["Provenance"]}
    assert provenance[f"CarePlan/{v2['id']}"]["agent"][0]["who"]["display"] == pt.get_full_name()
    detail = v2["activity"][0]["detail"]
    assert detail["code"]["coding"][0]["system"] == EXERCISE_SYSTEM
    assert detail["scheduledTiming"]["repeat"] == {"frequency": 5, "period": 1, "periodUnit": "wk"}
    urls = {e["url"] for e in detail["extension"]}
    assert {EXT_SETS, EXT_EACH_SIDE} <= urls and len(urls & {EXT_REPS, EXT_HOLD}) == 1
    # completions with pain and difficulty
    observation = by_type["Observation"][0]
    assert observation["component"][0]["valueInteger"] == 3
    assert observation["component"][1]["valueCodeableConcept"]["coding"][0]["code"] == "too_hard"
    # NRS, ODI, PSFS with their scores, and the intake
    questionnaires = {
        q["questionnaire"].rsplit("/", 1)[1]: q for q in by_type["QuestionnaireResponse"]
    }
    assert set(questionnaires) == {"nrs", "odi", "psfs", "intake"}
    assert questionnaires["nrs"]["item"][0] == {
        "linkId": "score",
        "text": "Pain check-in (0-10) score",
        "answer": [{"valueDecimal": 4.0}],
    }
    assert len(by_type["Communication"]) == 2
    assert by_type["Appointment"][0]["status"] == "booked"
    notes = by_type["DocumentReference"]
    assert len(notes) == 2  # the signed note and its addendum; the draft is not in the record
    assert any(n.get("relatesTo", [{}])[0].get("code") == "appends" for n in notes)
    # only this patient, and the export is audited
    text = json.dumps(bundle)
    assert patient2.email not in text
    assert AuditEvent.objects.filter(action="export", patient=patient, actor=patient).exists()


def test_the_checker_refuses_codes_outside_their_required_value_sets():
    careplan = {
        "resourceType": "CarePlan",
        "status": "ongoing",
        "intent": "directive",
        "subject": {"reference": "Patient/1"},
        "activity": [
            {
                "detail": {
                    "status": "scheduled",
                    "scheduledTiming": {
                        "repeat": {"frequency": 3, "period": 1, "periodUnit": "week"}
                    },
                    "extension": [
                        {
                            "url": EXT_HOLD,
                            "valueDuration": {
                                "value": 30,
                                "system": "http://unitsofmeasure.org",
                                "code": "sec",
                            },
                        }
                    ],
                }
            }
        ],
    }
    problems = "\n".join(fhir_problems(careplan))
    assert "CarePlan.status: 'ongoing'" in problems
    assert "CarePlan.intent: 'directive'" in problems
    assert "periodUnit: 'week'" in problems
    assert "UCUM code 'sec'" in problems
    assert fhir_problems({"resourceType": "Observation", "id": "1"})  # status and code missing


@pytest.mark.django_db
@pytest.mark.parametrize("who", ["pt", "staff", "employer_admin"])
def test_only_the_patient_gets_their_fhir_export(request, who, patient):
    assert client_for(request.getfixturevalue(who)).get(URL).status_code == 404
    assert Client().get(URL).status_code in (401, 403)
