"""The "My data" export holds everything (issue 12, item 2): every section the records map
names, with the full record's rows in it, streamed."""

import json

import pytest
from django.urls import reverse

from programs.records_map import RECORDS_MAP
from tests.conftest import client_for
from tests.programs.records.full_record import build_full_record


@pytest.mark.django_db
def test_the_json_export_has_every_section_of_the_records_map_filled(pt, pt2, patient, patient2):
    build_full_record(patient=patient, pt=pt)
    build_full_record(patient=patient2, pt=pt2)

    response = client_for(patient).get(reverse("security:data-export"))

    assert response.streaming  # a large record is written section by section
    data = json.loads(b"".join(response.streaming_content))
    sections = {record.export for record in RECORDS_MAP.values() if record.export}
    empty = sorted(name for name in sections if not data.get(name))
    assert not empty, f"export sections without data: {empty}"
    assert len(data["plans"][0]["versions"]) == 2
    assert data["sessions"][0]["completions"][0]["pain"] == 3
    assert {o["measure"] for o in data["outcomes"]} == {"nrs", "odi", "psfs"}
    # the factory's patient already has a clean intake; the record adds one with a flag
    [flagged] = [i for i in data["intake"] if i["red_flags"]["history_of_cancer"]]
    assert flagged["clearances"][0]["reason"] == "Treated in 2015; cleared by her GP."
    assert len(data["notes"]) == 2  # signed note and addendum, not the draft
    assert len(data["messages"]["thread"]) == 2
    assert data["visits"][0]["reminders"]
    assert data["reminders"]["deliveries"][0]["status"] == "sent"
    assert data["enrolment"]["sponsor"]
    assert patient2.email not in json.dumps(data)
    api = client_for(patient).get("/api/v1/me/export/")
    assert json.loads(b"".join(api.streaming_content)).keys() == data.keys()
