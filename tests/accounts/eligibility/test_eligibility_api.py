"""POST /api/v1/eligibility/check/ and the “Do I qualify?” page: contract, privacy, rate limits."""

import pytest
from django.core.cache import cache

from accounts.models import EligibilityCheck, RosterEntry
from tests.factories import RosterEntryFactory, SponsorFactory

pytestmark = pytest.mark.django_db
URL = "/api/v1/eligibility/check/"


@pytest.fixture(autouse=True)
def _fresh_rate_limits():
    cache.clear()


@pytest.fixture
def acme():
    sponsor = SponsorFactory(slug="acme-co", name="Acme Co")
    RosterEntryFactory(
        sponsor=sponsor, first_name="Jordan", last_name="Rivera", email="jordan@acme.example"
    )
    return sponsor


def _body(**extra):
    return {
        "sponsor": "acme-co",
        "first_name": "Jordan",
        "last_name": "Rivera",
        "date_of_birth": "1980-02-14",
        **extra,
    }


def test_a_covered_person_gets_a_link_to_enrol(client, acme):
    acme.requires_member_id = True  # the link is shown only once a member ID is proven
    acme.save()
    RosterEntry.objects.filter(sponsor=acme).update(member_id="AC-77")
    response = client.post(URL, _body(member_id="ac 77"), content_type="application/json")
    assert response.status_code == 200
    assert response.json()["status"] == "covered"
    assert response.json()["enrol_url"].startswith("/eligibility/enrol/")


def test_not_found_and_a_mismatch_answer_exactly_the_same(client, acme):
    plan = SponsorFactory(slug="plan", kind="health_plan", requires_member_id=True)
    RosterEntryFactory(sponsor=plan, member_id="X1", first_name="Jordan", last_name="Rivera")
    nobody = client.post(URL, _body(first_name="Nobody"), content_type="application/json")
    wrong_id = client.post(
        URL, _body(sponsor="plan", member_id="X2"), content_type="application/json"
    )
    unknown_id = client.post(
        URL,
        _body(sponsor="plan", first_name="Nobody", member_id="X9"),
        content_type="application/json",
    )
    assert nobody.status_code == wrong_id.status_code == unknown_id.status_code == 200
    assert nobody.json() == wrong_id.json() == unknown_id.json()
    assert nobody.json()["status"] == "not_found"


def test_bad_input_gets_the_one_error_shape(client, acme):
    response = client.post(
        URL, _body(date_of_birth="14/02/1980", sponsor="nope"), content_type="application/json"
    )
    assert response.status_code == 400
    assert set(response.json()["errors"]) == {"date_of_birth", "sponsor"}


def test_checks_are_rate_limited_per_ip_with_a_retry_time(client, acme, settings):
    settings.ELIGIBILITY_CHECKS_PER_IP = 3
    for _ in range(3):
        assert client.post(URL, _body(), content_type="application/json").status_code == 200
    blocked = client.post(URL, _body(), content_type="application/json")
    assert blocked.status_code == 429
    assert 0 < int(blocked["Retry-After"]) <= settings.ELIGIBILITY_RATE_WINDOW_SECONDS
    assert blocked.json()["retry_after"] == int(blocked["Retry-After"])
    # another address is not blocked
    other = client.post(URL, _body(), content_type="application/json", REMOTE_ADDR="10.0.0.9")
    assert other.status_code == 200
    # a blocked check is not a check: nothing was matched or recorded for it
    assert EligibilityCheck.objects.count() == 4


def test_checks_are_rate_limited_per_sponsor_across_addresses(client, acme, settings):
    settings.ELIGIBILITY_CHECKS_PER_SPONSOR = 2
    for n in range(2):
        response = client.post(
            URL, _body(), content_type="application/json", REMOTE_ADDR=f"10.0.1.{n}"
        )
        assert response.status_code == 200
    blocked = client.post(URL, _body(), content_type="application/json", REMOTE_ADDR="10.0.1.99")
    assert blocked.status_code == 429
    SponsorFactory(slug="other-co")
    other = client.post(
        URL, _body(sponsor="other-co"), content_type="application/json", REMOTE_ADDR="10.0.1.98"
    )
    assert other.status_code == 200


def test_the_page_answers_and_rate_limits_too(client, acme, settings):
    settings.ELIGIBILITY_CHECKS_PER_IP = 1
    page = client.post("/eligibility/", _body())
    assert page.status_code == 200
    assert "You are covered" in page.content.decode()
    blocked = client.post("/eligibility/", _body())
    assert blocked.status_code == 429
    assert "Try again in" in blocked.content.decode()


def test_sponsors_are_found_by_name(client, acme):
    SponsorFactory(slug="globex", name="Globex Health")
    found = client.get("/api/v1/sponsors/?search=acme").json()
    assert [s["slug"] for s in found] == ["acme-co"]


def test_a_nul_byte_in_the_sponsor_search_answers_400(client, acme):
    # issue 13: every query parameter with a NUL answers 400 (therapy.middleware.NulByteMiddleware)
    found = client.get("/api/v1/sponsors/", {"search": "ac\x00me"})
    assert found.status_code == 400
    assert set(found.json()) == {"detail", "errors"}


def test_the_schema_documents_the_new_endpoints(client):
    schema = client.get("/api/schema/").content.decode()
    for path in (
        "/api/v1/eligibility/check/",
        "/api/v1/employer/roster-imports/{import_id}/",
        "/api/v1/employer/roster/{entry_id}/",
        "/api/v1/employer/dashboard/",
    ):
        assert path in schema


def test_behind_a_trusted_proxy_the_rate_limit_counts_the_real_client(client, acme, settings):
    """One `client_ip` rule for lockout, audit and this limit: behind TRUSTED_PROXY_COUNT
    proxies, two people behind the same proxy are two clients, and an X-Forwarded-For entry
    the client wrote itself changes nothing."""
    settings.TRUSTED_PROXY_COUNT = 1
    settings.ELIGIBILITY_CHECKS_PER_IP = 1
    proxy = {"REMOTE_ADDR": "10.9.9.9"}
    first = client.post(
        URL, _body(), content_type="application/json", HTTP_X_FORWARDED_FOR="203.0.113.5", **proxy
    )
    assert first.status_code == 200
    spoofed = client.post(
        URL,
        _body(),
        content_type="application/json",
        HTTP_X_FORWARDED_FOR="198.51.100.1, 203.0.113.5",
        **proxy,
    )
    assert spoofed.status_code == 429
    someone_else = client.post(
        URL, _body(), content_type="application/json", HTTP_X_FORWARDED_FOR="203.0.113.6", **proxy
    )
    assert someone_else.status_code == 200
