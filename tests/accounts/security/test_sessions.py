"""Idle sessions end (15 minutes for staff roles, 60 for patients); log out everywhere."""

import time

import pytest
from django.test import Client
from django.urls import reverse

from accounts.models import ApiToken
from accounts.services.security import api_token_create
from tests.conftest import client_for
from therapy.middleware import LAST_SEEN_SESSION_KEY

pytestmark = pytest.mark.django_db


def _idle(client: Client, minutes: float) -> None:
    session = client.session
    session[LAST_SEEN_SESSION_KEY] = int(time.time() - minutes * 60)
    session.save()


@pytest.mark.parametrize(
    ("who", "url", "quiet", "still_in"),
    [
        ("pt", "/caseload/", 14, True),
        ("pt", "/caseload/", 16, False),
        ("staff", "/audit/", 16, False),
        ("patient", "/accounts/profile/", 59, True),
        ("patient", "/accounts/profile/", 61, False),
    ],
)
def test_idle_sessions_end(request, who, url, quiet, still_in):
    client = client_for(request.getfixturevalue(who))
    assert client.get(url).status_code == 200
    _idle(client, quiet)
    response = client.get(url)
    if still_in:
        assert response.status_code == 200
    else:
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("accounts:login"))


def test_log_out_everywhere_ends_every_session_and_token(patient):
    laptop, phone = client_for(patient), client_for(patient)
    token = api_token_create(user=patient)
    assert phone.get("/accounts/profile/").status_code == 200
    laptop.post(reverse("security:logout-everywhere"))
    assert phone.get("/accounts/profile/").status_code == 302
    assert laptop.get("/accounts/profile/").status_code == 302
    assert not ApiToken.objects.filter(user=patient).exists()
    me = Client().get("/api/v1/me/", headers={"Authorization": f"Token {token}"})
    assert me.status_code in (401, 403)
