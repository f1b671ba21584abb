"""The care-team endpoints are in the schema and answer odd input with a 4xx, never a 500."""

import pytest

from tests.conftest import client_for
from tests.programs.visits.visit_setup import a_slot, open_every_day

pytestmark = pytest.mark.django_db

ODD_BODIES = [
    [],
    "text",
    7,
    None,
    {"body": ["a"]},
    {"starts_at": 12},
    {"starts_at": ""},
]


def test_every_endpoint_is_in_the_schema(pt):
    schema = client_for(pt).get(
        "/api/schema/", headers={"Accept": "application/vnd.oai.openapi+json"}
    )
    paths = schema.json()["paths"]
    for path in [
        "/api/v1/messages/threads/",
        "/api/v1/messages/threads/{patient_id}/",
        "/api/v1/messages/threads/{patient_id}/messages/",
        "/api/v1/visits/",
        "/api/v1/visits/slots/",
        "/api/v1/visits/availability/",
        "/api/v1/visits/{visit_id}/",
        "/api/v1/visits/{visit_id}/cancel/",
        "/api/v1/visits/{visit_id}/reschedule/",
    ]:
        assert path in paths, path


def test_odd_input_gets_a_4xx(pt, patient):
    from programs.services.visits import visit_book

    open_every_day(pt)
    visit = visit_book(patient=patient, booked_by=patient, starts_at=a_slot(pt))
    posts = {
        patient: [
            f"/api/v1/messages/threads/{patient.pk}/messages/",
            "/api/v1/visits/",
            f"/api/v1/visits/{visit.pk}/reschedule/",
        ],
        pt: [f"/api/v1/messages/threads/{patient.pk}/messages/"],
    }
    for user, urls in posts.items():
        client = client_for(user)
        for url in urls:
            for body in ODD_BODIES:
                response = client.post(url, body, "application/json")
                assert 400 <= response.status_code < 500, (url, body, response.status_code)
    client = client_for(pt)
    for body in [
        *ODD_BODIES,
        {"visit_minutes": 30, "windows": "x"},
        {"visit_minutes": 31, "windows": []},
        {
            "visit_minutes": 30,
            "windows": [{"weekday": 7, "starts_at": "09:00", "ends_at": "10:00"}],
        },
        {
            "visit_minutes": 30,
            "windows": [{"weekday": 1, "starts_at": "25:00", "ends_at": "10:00"}],
        },
    ]:
        response = client.put("/api/v1/visits/availability/", body, "application/json")
        assert response.status_code == 400, (body, response.status_code)
