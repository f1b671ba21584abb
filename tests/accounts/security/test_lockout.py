"""Ten wrong passwords lock an account; staff unlock it; the lock cannot be dodged or made
permanent."""

from datetime import timedelta

import pytest
from axes.models import AccessAttempt
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from accounts.models import AuditEvent
from tests.conftest import client_for
from tests.factories import PASSWORD

pytestmark = pytest.mark.django_db


def _attempt(user, password: str, **extra):
    return Client().post(
        reverse("accounts:login"), {"username": user.email, "password": password}, **extra
    )


def _lock(user, **extra) -> None:
    for _ in range(10):
        _attempt(user, "wrong-password", **extra)


def test_ten_failures_lock_the_account_with_a_clear_message(patient):
    _lock(patient)
    response = _attempt(patient, PASSWORD)
    assert response.status_code == 429
    assert "locked for 15 minutes" in response.content.decode()
    assert AuditEvent.objects.filter(action="locked_out").exists()
    api = Client().post(
        "/api/v1/auth/token/",
        {"email": patient.email, "password": PASSWORD},
        content_type="application/json",
    )
    assert api.status_code == 429
    assert "locked" in api.json()["detail"]


def test_a_spoofed_forwarded_for_does_not_reset_the_count(patient):
    for n in range(10):
        _attempt(patient, "wrong-password", HTTP_X_FORWARDED_FOR=f"198.51.100.{n}")
    assert _attempt(patient, PASSWORD, HTTP_X_FORWARDED_FOR="192.0.2.99").status_code == 429


def test_staff_unlock_an_account(patient, staff):
    _lock(patient)
    client = client_for(staff)
    page = client.get(reverse("security:lockouts"))
    assert patient.email in page.content.decode()
    client.post(reverse("security:lockouts"), {"username": patient.email})
    assert _attempt(patient, PASSWORD).status_code == 302
    assert AuditEvent.objects.filter(action="unlock", actor=staff).exists()


def test_the_lock_lifts_after_the_cool_off_and_is_not_extended_by_more_failures(patient):
    _lock(patient)
    _lock(patient)  # an attacker keeps trying during the lockout
    AccessAttempt.objects.update(attempt_time=timezone.now() - timedelta(minutes=16))
    assert _attempt(patient, PASSWORD).status_code == 302


def test_lockouts_page_is_staff_only(patient, pt):
    for user in (patient, pt):
        assert client_for(user).get(reverse("security:lockouts")).status_code == 404


def test_a_success_on_another_account_does_not_clear_the_victims_failures(patient, patient2):
    # given: the bypass, from one IP: nine wrong passwords for the victim, then a
    # correct login to an account the attacker owns, repeated
    for _ in range(3):
        for _ in range(9):
            _attempt(patient, "wrong-password")
        assert _attempt(patient2, PASSWORD).status_code in (302, 429)
    # then: the victim's account is locked, from this IP and from any other
    assert _attempt(patient, PASSWORD).status_code == 429
    assert _attempt(patient, PASSWORD, REMOTE_ADDR="192.0.2.50").status_code == 429


def test_failures_from_one_ip_lock_that_ip_even_across_accounts(patient, patient2, pt):
    # given: nine failures for one account and a success for another, from one IP
    for _ in range(9):
        _attempt(patient, "wrong-password")
    assert _attempt(patient2, PASSWORD).status_code == 302
    # when: one more failure, against a third account
    _attempt(pt, "wrong-password")
    # then: that IP is locked for everyone, another IP is not
    assert _attempt(patient2, PASSWORD).status_code == 429
    assert _attempt(patient2, PASSWORD, REMOTE_ADDR="192.0.2.51").status_code == 302


def test_the_owners_own_success_clears_only_their_own_count(patient, patient2):
    for _ in range(5):
        _attempt(patient2, "wrong-password", REMOTE_ADDR="192.0.2.60")
    assert _attempt(patient2, PASSWORD, REMOTE_ADDR="192.0.2.61").status_code == 302
    assert AccessAttempt.objects.filter(username=patient2.email.lower()).count() == 0
