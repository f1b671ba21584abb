"""API tokens die (issue 13, Medium): on password change and reset, on a new authenticator, on
"log out everywhere", at their expiry and after the role's idle limit. Keys are shown once and
stored as a digest; staff cannot mint a token for anyone."""

from datetime import timedelta

import pytest
from django.contrib.auth.tokens import default_token_generator
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

from tests.conftest import client_for
from tests.factories import PASSWORD
from tests.security_helpers import totp_code, totp_device_for

pytestmark = pytest.mark.django_db


def _tokens():
    from accounts.models import ApiToken  # inside: this file also runs against the old code

    return ApiToken.objects


NEW_PASSWORD = "a-new-long-passphrase-42"


def _mint(user, **extra) -> str:
    response = Client().post(
        "/api/v1/auth/token/",
        {"email": user.email, "password": PASSWORD, **extra},
        content_type="application/json",
    )
    assert response.status_code == 200, response.content
    return response.json()["token"]


def _me(token: str) -> int:
    return Client().get("/api/v1/me/", headers={"Authorization": f"Token {token}"}).status_code


def test_a_token_dies_when_the_password_is_changed(patient):
    token = _mint(patient)
    assert _me(token) == 200
    client = client_for(patient)
    response = client.post(
        reverse("accounts:password_change"),
        {"old_password": PASSWORD, "new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD},
    )
    assert response.status_code == 302
    assert _me(token) == 401


def test_a_token_dies_when_the_password_is_reset(patient):
    token = _mint(patient)
    client = Client()
    uid = urlsafe_base64_encode(force_bytes(patient.pk))
    link = reverse(
        "accounts:password_reset_confirm", args=[uid, default_token_generator.make_token(patient)]
    )
    form_url = client.get(link)["Location"]
    done = client.post(form_url, {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD})
    assert done.status_code == 302
    assert _me(token) == 401


def test_a_token_dies_when_a_new_authenticator_is_added(patient):
    token = _mint(patient)
    client = client_for(patient)
    client.get(reverse("security:mfa-setup"))
    from django_otp.plugins.otp_totp.models import TOTPDevice

    pending = TOTPDevice.objects.get(user=patient, confirmed=False)
    client.post(
        reverse("security:mfa-setup"), {"otp_token": totp_code(pending), "password": PASSWORD}
    )
    assert TOTPDevice.objects.filter(user=patient, confirmed=True).exists()
    assert _me(token) == 401


def test_log_out_everywhere_ends_tokens(patient):
    token = _mint(patient)
    client_for(patient).post(reverse("security:logout-everywhere"))
    assert _me(token) == 401


def _age(*, by: timedelta, idle: timedelta | None = None) -> None:
    """Move every token's clock back, as if `by` had passed (and `idle` since last use)."""
    now = timezone.now()
    for token in _tokens().all():
        _tokens().filter(pk=token.pk).update(
            created_at=token.created_at - by,
            expires_at=token.expires_at - by,
            last_used_at=now - (idle if idle is not None else timedelta()),
        )


def test_a_patients_token_expires_after_30_days(patient):
    token = _mint(patient)
    row = _tokens().get(user=patient)
    assert row.expires_at - row.created_at == timedelta(days=30)
    _age(by=timedelta(days=29, hours=23))
    assert _me(token) == 200
    _age(by=timedelta(hours=2))
    assert _me(token) == 401
    assert not _tokens().exists()


def test_a_staff_roles_token_expires_after_12_hours(pt):
    device = totp_device_for(pt)
    token = _mint(pt, otp_token=totp_code(device))
    assert _me(token) == 200
    _age(by=timedelta(hours=12, minutes=1))
    assert _me(token) == 401


def test_the_idle_limit_applies_to_tokens(pt, patient):
    device = totp_device_for(pt)
    pt_token = _mint(pt, otp_token=totp_code(device))
    patient_token = _mint(patient)
    _age(by=timedelta(), idle=timedelta(minutes=16))
    assert _me(pt_token) == 401  # staff roles: 15 minutes
    assert _me(patient_token) == 200  # patients: 60 minutes
    _age(by=timedelta(), idle=timedelta(minutes=61))
    assert _me(patient_token) == 401


def test_keys_are_stored_as_a_digest_and_each_sign_in_gets_its_own(patient):
    first, second = _mint(patient), _mint(patient)
    assert first != second
    for row in _tokens().values():
        assert first not in str(row) and second not in str(row)
    assert _me(first) == _me(second) == 200


def test_staff_cannot_mint_a_token_and_the_admin_list_shows_no_key(staff, pt):
    staff.is_superuser = True  # as the demo's staff: every admin permission
    staff.save(update_fields=["is_superuser"])
    device = totp_device_for(pt)
    token = _mint(pt, otp_token=totp_code(device))
    admin = client_for(staff)
    page = admin.get("/admin/accounts/apitoken/")
    assert page.status_code == 200
    assert token[:8] in page.content.decode()
    assert token not in page.content.decode()
    assert admin.get("/admin/accounts/apitoken/add/").status_code == 403
    count = _tokens().count()
    admin.post("/admin/accounts/apitoken/add/", {"user": pt.pk})
    assert _tokens().count() == count


def test_a_look_at_a_patients_tokens_in_the_admin_is_audited(staff, patient):
    # issue 13: the admin's token list was read without an audit row
    from accounts.models import AuditEvent

    staff.is_superuser = True
    staff.save(update_fields=["is_superuser"])
    _mint(patient)
    token = _tokens().get(user=patient)
    admin = client_for(staff)
    for url in ("/admin/accounts/apitoken/", f"/admin/accounts/apitoken/{token.pk}/change/"):
        rows = AuditEvent.objects.filter(actor=staff, action="read", patient_id=patient.pk)
        before = rows.count()
        assert admin.get(url).status_code == 200, url
        assert rows.count() > before, url
