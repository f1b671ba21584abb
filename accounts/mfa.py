"""Second factor: TOTP (an authenticator app) plus one-time recovery codes (django-otp).

Required for the roles in settings.MFA_REQUIRED_ROLES (therapists, staff and employer admins
unless configured otherwise), optional for patients: a patient who adds an authenticator is
asked for a code at every sign-in from then on.
"""

import base64
import io
from base64 import b32encode

import django_otp
import qrcode
import qrcode.image.svg
from django.conf import settings
from django.db import transaction
from django.http import HttpRequest
from django_otp import user_has_device
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts.audit import Action, audit_record
from accounts.models import User

RECOVERY_CODE_COUNT = 10
TOTP_NAME = "Authenticator app"
RECOVERY_NAME = "Recovery codes"


def mfa_required_for(user: User) -> bool:
    return user.role in settings.MFA_REQUIRED_ROLES or user_has_confirmed_device(user)


def user_has_confirmed_device(user: User) -> bool:
    return user_has_device(user, confirmed=True)


def totp_device_start(*, user: User) -> TOTPDevice:
    """The pending (unconfirmed) authenticator of `user`, made on first call."""
    device = TOTPDevice.objects.filter(user=user, confirmed=False).first()
    return device or TOTPDevice.objects.create(user=user, name=TOTP_NAME, confirmed=False)


def totp_secret_base32(device: TOTPDevice) -> str:
    return b32encode(device.bin_key).decode()


def totp_qr_data_uri(device: TOTPDevice) -> str:
    """The otpauth:// URL as an SVG QR code in a data: URI (allowed by the CSP's img-src)."""
    image = qrcode.make(device.config_url, image_factory=qrcode.image.svg.SvgPathImage, box_size=8)
    buffer = io.BytesIO()
    image.save(buffer)
    return "data:image/svg+xml;base64," + base64.b64encode(buffer.getvalue()).decode()


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
    request: HttpRequest, *, device: TOTPDevice, token: str
) -> list[str] | None:
    """Confirm a pending authenticator with a code from it. Returns new recovery codes, or
    None when the code is wrong. The session counts as verified afterwards."""
    user: User = request.user  # type: ignore[assignment]
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


def mfa_verify(request: HttpRequest, *, token: str) -> bool:
    """Check a code (authenticator or recovery code) and mark the session verified."""
    user: User = request.user  # type: ignore[assignment]
    device = django_otp.match_token(user, token.strip().replace(" ", ""))
    if device is None:
        audit_record(request_or_actor=request, patient_id=None, action=Action.MFA_FAILED)
        return False
    django_otp.login(request, device)
    audit_record(request_or_actor=request, patient_id=None, action=Action.MFA_VERIFIED)
    return True


def mfa_check_token(*, user: User, token: str) -> bool:
    """For the token API: does `token` match one of the user's devices?"""
    return django_otp.match_token(user, token.strip().replace(" ", "")) is not None


def mfa_retry_wait_message(*, user: User) -> str | None:
    """When django-otp is throttling after wrong codes, say so rather than "wrong code"."""
    for device in TOTPDevice.objects.filter(user=user):
        allowed, _ = device.verify_is_allowed()
        if not allowed:
            return "Too many wrong codes in a row. Wait a few seconds, then type the new code."
    return None
