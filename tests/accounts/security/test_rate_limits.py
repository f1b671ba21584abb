"""Sign-up and password reset are rate-limited per client IP and per address (issue 13,
Medium: 25 sign-up calls, no 429). The counts live in Redis, so every web process shares
them; the answer is 429 with Retry-After (a page keeps its form and says why)."""

import re
import time

import pytest
from django.test import Client

from accounts.selectors.enrolment import enrolment_url_for, invitation_url_for
from accounts.services.enrolment import invitation_create
from tests.factories import RosterEntryFactory

pytestmark = pytest.mark.django_db

SIGN_UP = "/api/v1/auth/signup/"
RESET = "/accounts/password/reset/"


def _sign_up(address: str, ip: str = "203.0.113.7"):
    body = {"email": address, "password": "a-long-passphrase-1", "date_of_birth": "1990-02-14"}
    return Client(REMOTE_ADDR=ip).post(SIGN_UP, body, content_type="application/json")


def _reset(address: str, ip: str = "203.0.113.7"):
    return Client(REMOTE_ADDR=ip).post(RESET, {"email": address})


def test_the_26th_sign_up_call_from_one_address_is_refused():
    answers = [_sign_up(f"person{n}@example.test") for n in range(26)]
    statuses = [answer.status_code for answer in answers]
    assert statuses[:20] == [400] * 20  # no invitation: refused, but not limited
    assert statuses[20:] == [429] * 6
    last = answers[25]
    assert 0 < int(last["Retry-After"]) <= 3600
    assert last.json()["retry_after"] == int(last["Retry-After"])
    assert "Too many attempts" in last.json()["detail"]
    # another client is not held up by this one
    assert _sign_up("someone@example.test", ip="198.51.100.9").status_code == 400


def test_one_address_is_limited_from_any_number_of_ips():
    statuses = [_sign_up("target@example.test", ip=f"198.51.100.{n}").status_code for n in range(6)]
    assert statuses == [400] * 5 + [429]
    assert _sign_up("other@example.test", ip="198.51.100.99").status_code == 400


def test_a_new_address_from_a_limited_ip_is_still_limited():
    for n in range(20):
        _sign_up(f"person{n}@example.test")
    assert _sign_up("never-tried@example.test").status_code == 429


def test_the_limits_expire(settings):
    settings.ACCOUNT_RATE_WINDOW_SECONDS = 2
    settings.SIGNUP_ATTEMPTS_PER_IP = 3
    time.sleep(2 - time.time() % 2)  # start at the beginning of a window
    assert [_sign_up(f"p{n}@example.test").status_code for n in range(4)] == [400] * 3 + [429]
    time.sleep(2.1)
    assert _sign_up("later@example.test").status_code == 400


def test_the_sign_up_page_shows_the_limit_on_its_form(pt):
    invitation = invitation_create(
        invited_by=pt, email="robin@example.test", first_name="Robin", last_name="Okoye"
    )
    url = invitation_url_for(invitation)
    statuses = [Client().post(url, {"password": "1"}).status_code for _ in range(6)]
    assert statuses == [400] * 5 + [429]  # five for this address
    limited = Client().post(url, {"password": "1"})
    assert limited.status_code == 429 and int(limited["Retry-After"]) > 0
    page = limited.content.decode()
    assert "Too many attempts from here or for this address" in page
    assert 'name="password"' in page  # the form is still there


def test_an_enrolment_link_is_limited_per_address():
    link = enrolment_url_for(RosterEntryFactory(email=""))
    body = {"email": "probe@example.test", "state": "NY", "password": "1"}
    statuses = [
        Client(REMOTE_ADDR=f"198.51.100.{n}").post(link, body).status_code for n in range(6)
    ]
    assert statuses == [400] * 5 + [429]


def test_password_reset_is_limited_and_says_the_same_for_known_and_unknown_addresses(patient):
    known, unknown = patient.email, "nobody@example.test"
    for address in (known, unknown):
        statuses = [_reset(address, ip=f"198.51.100.{n}").status_code for n in range(6)]
        assert statuses == [302] * 5 + [429]
    pages = {
        address: _reset(address, ip="198.51.100.77").content.decode().replace(address, "<a>")
        for address in (known, unknown)
    }
    assert "Too many attempts" in pages[known]
    csrf = re.compile(r"[A-Za-z0-9]{64}")
    assert csrf.sub("", pages[known]) == csrf.sub("", pages[unknown])


def test_password_reset_is_limited_per_ip():
    statuses = [_reset(f"p{n}@example.test").status_code for n in range(21)]
    assert statuses == [302] * 20 + [429]
