"""How tests sign in now that therapists, staff and employer admins need a second factor.

- `client_for(user)` and pytest-django's `client` fixture (tests/conftest.py) return an
  `MfaClient`: its `force_login` also marks the session as verified with a real, confirmed TOTP
  device of that user (what django_otp.login does after a right code). Nothing in production
  code knows about tests.
- Playwright: `login_with_mfa(page, base_url, user)` types the password and, when the app asks,
  a fresh one-time recovery code made for this login.
- To test the MFA gate itself, use a plain `django.test.Client`.
"""

import time

from django.test import Client
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.oath import TOTP
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice
from rest_framework.test import APIClient

from accounts.models import User
from accounts.selectors.security import mfa_required_for
from accounts.services.security import RECOVERY_NAME, TOTP_NAME
from tests.factories import PASSWORD


def totp_device_for(user: User) -> TOTPDevice:
    device = TOTPDevice.objects.filter(user=user, confirmed=True).first()
    return device or TOTPDevice.objects.create(user=user, name=TOTP_NAME, confirmed=True)


def totp_code(device: TOTPDevice, *, steps_ahead: int = 0) -> str:
    """The code an authenticator app shows now (or `steps_ahead` steps later: the server
    accepts one step of drift, which lets a test log in twice within 30 seconds)."""
    device.refresh_from_db()
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    totp.time = time.time() + steps_ahead * device.step
    return f"{totp.token():0{device.digits}d}"


def totp_last_used_code(device: TOTPDevice) -> str:
    """The code that was last accepted: sending it again is a replay."""
    device.refresh_from_db()
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, 0)
    totp.time = device.t0 + device.last_t * device.step
    return f"{totp.token():0{device.digits}d}"


def recovery_code_for(user: User) -> str:
    device, _ = StaticDevice.objects.get_or_create(
        user=user, name=RECOVERY_NAME, defaults={"confirmed": True}
    )
    token = StaticToken.random_token()
    StaticToken.objects.create(device=device, token=token)
    return token


def mark_session_mfa_verified(client: Client, user: User) -> None:
    device = totp_device_for(user)
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    session.save()


class MfaClient(Client):
    """A test client whose force_login also completes the second factor when one is needed."""

    def force_login(self, user: User, backend: str | None = None) -> None:  # type: ignore[override]
        super().force_login(user, backend)
        if mfa_required_for(user):
            mark_session_mfa_verified(self, user)


class MfaAPIClient(APIClient):
    """DRF's test client, with the same force_login as MfaClient."""

    def force_login(self, user: User, backend: str | None = None) -> None:  # type: ignore[override]
        super().force_login(user, backend)
        if mfa_required_for(user):
            mark_session_mfa_verified(self, user)


def login_with_mfa(page: object, base_url: str, user: User, password: str = PASSWORD) -> None:
    """Log `user` in through the real pages in Chromium, second factor included."""
    needs_code = mfa_required_for(user)
    if needs_code:
        totp_device_for(user)
    page.goto(f"{base_url}/accounts/login/")  # type: ignore[attr-defined]
    page.get_by_label("Email").fill(user.email)  # type: ignore[attr-defined]
    page.get_by_label("Password").fill(password)  # type: ignore[attr-defined]
    page.get_by_role("button", name="Log in").click()  # type: ignore[attr-defined]
    if needs_code:
        page.get_by_label("Code").fill(recovery_code_for(user))  # type: ignore[attr-defined]
        page.get_by_role("button", name="Continue").click()  # type: ignore[attr-defined]
