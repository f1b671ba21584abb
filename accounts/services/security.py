"""Second factor: TOTP (an authenticator app) plus one-time recovery codes (django-otp).

Required for the roles in settings.MFA_REQUIRED_ROLES (therapists, staff and employer admins
unless configured otherwise), optional for patients: a patient who adds an authenticator is
asked for a code at every sign-in from then on.

Also here: "log out everywhere", and the account name django-axes counts failed logins by.
"""

import django_otp
from django.db import transaction
from django.http import HttpRequest
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice
from rest_framework.authtoken.models import Token

from accounts.models import User
from accounts.services.audit import Action, audit_record
from therapy.http import AuthenticatedHttpRequest

RECOVERY_CODE_COUNT = 10
TOTP_NAME = "Authenticator app"
RECOVERY_NAME = "Recovery codes"


def totp_device_start(*, user: User) -> TOTPDevice:
    """The pending (unconfirmed) authenticator of `user`, made on first call."""
    device = TOTPDevice.objects.filter(user=user, confirmed=False).first()
    return device or TOTPDevice.objects.create(user=user, name=TOTP_NAME, confirmed=False)


def recovery_codes_generate(*, user: User) -> list[str]:
    """Replace the recovery codes of `user` with new ones and return them (shown once)."""
    with transaction.atomic():
        device, _ = StaticDevice.objects.get_or_create(
            user=user, name=RECOVERY_NAME, defaults={"confirmed": True}
        )
        device.token_set.all().delete()
        codes = [StaticToken.random_token() for _ in range(RECOVERY_CODE_COUNT)]
        StaticToken.objects.bulk_create([StaticToken(device=device, token=c) for c in codes])
    return codes


def totp_device_confirm(
    request: AuthenticatedHttpRequest, *, device: TOTPDevice, token: str
) -> list[str] | None:
    """Confirm a pending authenticator with a code from it. Returns new recovery codes, or
    None when the code is wrong. The session counts as verified afterwards."""
    user = request.user
    with transaction.atomic():
        device = TOTPDevice.objects.select_for_update().get(pk=device.pk, user=user)
        if not device.verify_token(token.strip().replace(" ", "")):
            audit_record(request_or_actor=request, patient_id=None, action=Action.MFA_FAILED)
            return None
        TOTPDevice.objects.filter(user=user, confirmed=True).delete()
        device.confirmed = True
        device.save(update_fields=["confirmed"])
        codes = recovery_codes_generate(user=user)
        audit_record(request_or_actor=request, patient_id=None, action=Action.MFA_ENROLLED)
    django_otp.login(request, device)
    return codes


def mfa_verify(request: AuthenticatedHttpRequest, *, token: str) -> bool:
    """Check a code (authenticator or recovery code) and mark the session verified."""
    user = request.user
    device = django_otp.match_token(user, token.strip().replace(" ", ""))
    if device is None:
        audit_record(request_or_actor=request, patient_id=None, action=Action.MFA_FAILED)
        return False
    django_otp.login(request, device)
    audit_record(request_or_actor=request, patient_id=None, action=Action.MFA_VERIFIED)
    return True


def sessions_end_everywhere(request: HttpRequest, *, user: User) -> None:
    """End every session and API token of `user` (including the current one)."""
    with transaction.atomic():
        User.objects.filter(pk=user.pk).update(session_generation=user.session_generation + 1)
        Token.objects.filter(user=user).delete()
        audit_record(
            request_or_actor=request,
            patient_id=user.pk if user.is_patient else None,
            action=Action.LOGOUT_EVERYWHERE,
        )


def lockout_username(request: HttpRequest, credentials: dict | None = None) -> str | None:
    """The account a login attempt names, case-folded so `A@x` and `a@x` share one count.
    Both the login page and the token API pass it to authenticate() as `username`."""
    value = (credentials or {}).get("username") or request.POST.get("username") or ""
    return str(value).strip().lower() or None
