"""Reads for sign-in security: who needs a second factor, and the state of their devices."""

import base64
import io
from base64 import b32encode

import django_otp
import qrcode
import qrcode.image.svg
from django.conf import settings
from django_otp import user_has_device
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts.models import User


def mfa_required_for(user: User) -> bool:
    return user.role in settings.MFA_REQUIRED_ROLES or user_has_confirmed_device(user)


def user_has_confirmed_device(user: User) -> bool:
    return user_has_device(user, confirmed=True)


def totp_secret_base32(device: TOTPDevice) -> str:
    return b32encode(device.bin_key).decode()


def totp_qr_data_uri(device: TOTPDevice) -> str:
    """The otpauth:// URL as an SVG QR code in a data: URI (allowed by the CSP's img-src)."""
    image = qrcode.make(device.config_url, image_factory=qrcode.image.svg.SvgPathImage, box_size=8)
    buffer = io.BytesIO()
    image.save(buffer)
    return "data:image/svg+xml;base64," + base64.b64encode(buffer.getvalue()).decode()


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
