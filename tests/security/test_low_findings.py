"""The Low findings of issue 13 that are about one request each: NUL bytes in search
parameters, a client-chosen X-Request-ID in the audit trail, the public API schema."""

import pytest
from django.test import Client, override_settings

from accounts.models import AuditEvent
from tests.conftest import client_for

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("who", "url"),
    [
        ("anonymous", "/eligibility/?q=%00"),
        ("anonymous", "/api/v1/sponsors/?search=%00"),
        ("pt", "/caseload/?q=%00"),
        ("employer_admin", "/employer/roster/?q=%00"),
        ("employer_admin", "/api/v1/employer/roster/?search=a%00b"),
        ("staff", "/audit/?actor=%00"),
    ],
)
def test_a_nul_byte_in_a_search_answers_400_not_500(who, url, request):
    user = None if who == "anonymous" else request.getfixturevalue(who)
    client = client_for(user)
    client.raise_request_exception = False
    response = client.get(url)
    assert response.status_code == 400, (url, response.status_code)
    if url.startswith("/api/"):
        assert set(response.json()) == {"detail", "errors"}


def test_a_client_chosen_request_id_never_reaches_the_audit_trail(patient):
    client = client_for(patient)
    chosen = "attacker-chosen-id-0001"
    response = client.get("/accounts/profile/", headers={"X-Request-ID": chosen})
    assert response.status_code == 200
    assert response["X-Request-ID"] != chosen
    assert response["X-Client-Request-ID"] == chosen
    row = AuditEvent.objects.filter(actor=patient).latest("pk")
    assert row.request_id == response["X-Request-ID"]
    assert not AuditEvent.objects.filter(request_id=chosen).exists()


@override_settings(API_SCHEMA_PUBLIC=False)  # what DEBUG=False gives
def test_the_api_schema_and_docs_are_not_public_in_production(patient):
    for url in ("/api/schema/", "/api/docs/"):
        assert Client().get(url).status_code in (401, 403), url
        assert client_for(patient).get(url).status_code == 200, url
