"""The patient list API reads plain rows; they must stay exactly what the serializer gave."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from accounts.apis.people import UserOutput
from accounts.models import AuditEvent, PatientProfile, User
from tests import factories
from tests.conftest import client_for

pytestmark = pytest.mark.django_db


def test_the_list_is_the_serializers_output_and_audits_each_patient_shown(pt, patient):
    # given: a second patient on the caseload without a profile
    bare = factories.PatientFactory(email="bare@example.test", last_name="Aaron")
    PatientProfile.objects.filter(user=bare).delete()
    factories.CareTeamLinkFactory(patient=bare, therapist=pt)
    client = client_for(pt)
    # when
    response = client.get("/api/v1/patients/", headers={"X-Request-ID": "a" * 32})
    # then: the same body as UserOutput over the same patients, in the same order
    expected = UserOutput(
        User.objects.filter(pk__in=[bare.pk, patient.pk])
        .select_related("patient_profile")
        .order_by("last_name", "first_name", "id"),
        many=True,
    ).data
    assert response.json() == [dict(row) for row in expected]
    assert response.json()[0]["patient_profile"] is None
    # and one READ event per patient shown, as audit_read_many writes them
    events = AuditEvent.objects.filter(action="read", actor=pt).order_by("patient_id")
    assert [(e.patient_id, e.object_type, e.object_id) for e in events] == sorted(
        [(p.pk, "accounts.user", str(p.pk)) for p in (patient, bare)]
    )
    # the request id is ours (a client-chosen X-Request-ID never lands in the audit)
    assert {(e.actor_role, e.ip_address, e.request_id) for e in events} == {
        ("therapist", "127.0.0.1", response["X-Request-ID"])
    }
    assert response["X-Request-ID"] != "a" * 32


def test_the_list_takes_the_same_queries_for_1_or_10_patients(pt, patient):
    client = client_for(pt)
    client.get("/api/v1/patients/")
    with CaptureQueriesContext(connection) as one:
        client.get("/api/v1/patients/")
    for n in range(9):
        factories.CareTeamLinkFactory(
            patient=factories.PatientFactory(email=f"more{n}@example.test"), therapist=pt
        )
    with CaptureQueriesContext(connection) as ten:
        assert len(client.get("/api/v1/patients/").json()) == 10
    assert len(one) == len(ten)
