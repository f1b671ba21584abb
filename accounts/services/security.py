"""Second factor: TOTP (an authenticator app) plus one-time recovery codes (django-otp).

Required for the roles in settings.MFA_REQUIRED_ROLES (therapists, staff and employer admins
unless configured otherwise), optional for patients: a patient who adds an authenticator is
asked for a code at every sign-in from then on.

Also here: API tokens, "log out everywhere", and the account name and handler django-axes
counts failed logins with.
"""

import hashlib
import hmac
import secrets
from datetime import timedelta

import django_otp
from axes.handlers.database import AxesDatabaseHandler
from axes.helpers import get_client_username
from axes.models import AccessAttempt
from django.conf import settings
from django.contrib.auth import authenticate, logout
from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts.models import ApiToken, User
from accounts.services.audit import Action, audit_record
from therapy.errors import RateLimitedError
from therapy.http import AuthenticatedHttpRequest
from therapy.rate_limits import rate_hits

RECOVERY_CODE_COUNT = 10
TOTP_NAME = "Authenticator app"
RECOVERY_NAME = "Recovery codes"


def _session_rotate(request: HttpRequest) -> None:
    """A new session key once the second factor is given, as Django does after the password:
    a session id seen before this point (fixation, a shoulder, a log) is worth nothing after."""
    if hasattr(request, "session"):
        request.session.cycle_key()


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
        # A new authenticator ends every API token: one minted with the old one must not live on.
        ApiToken.objects.filter(user=user).delete()
        audit_record(request_or_actor=request, patient_id=None, action=Action.MFA_ENROLLED)
    _session_rotate(request)
    django_otp.login(request, device)
    return codes


def mfa_verify(request: AuthenticatedHttpRequest, *, token: str) -> bool:
    """Check a code (authenticator or recovery code) and mark the session verified."""
    user = request.user
    device = django_otp.match_token(user, token.strip().replace(" ", ""))
    if device is None:
        audit_record(request_or_actor=request, patient_id=None, action=Action.MFA_FAILED)
        return False
    _session_rotate(request)
    django_otp.login(request, device)
    audit_record(request_or_actor=request, patient_id=None, action=Action.MFA_VERIFIED)
    return True


def sessions_end_everywhere(request: HttpRequest, *, user: User) -> None:
    """End every session and API token of `user` (including the current one)."""
    with transaction.atomic():
        User.objects.filter(pk=user.pk).update(session_generation=user.session_generation + 1)
        ApiToken.objects.filter(user=user).delete()
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


class LockoutHandler(AxesDatabaseHandler):
    """django-axes' database handler, except that a successful sign-in clears only the failures
    recorded against *that* account. axes' own reset deletes every row matching the account OR
    the client IP, so one correct password for an account the attacker owns wiped the failures
    they had just made against someone else from the same IP (issue 13, the lockout bypass).
    The IP's count is the sum of its rows; it falls only when their accounts' owners succeed."""

    def reset_user_attempts(self, request: HttpRequest, credentials: dict | None = None) -> int:
        username = get_client_username(request, credentials)
        if not username:
            return 0
        count, _ = AccessAttempt.objects.filter(username=username).delete()
        return count


def password_recheck(request: HttpRequest, *, user: User, password: str) -> bool:
    """Whether `password` is the signed-in `user`'s own, asked again before a sensitive change
    (adding or replacing an authenticator, closing the account). It goes through authenticate(),
    so django-axes counts a wrong one exactly like a wrong password at sign-in: ten lock the
    account (issue 13: a stolen session could guess the password here without limit). Once the
    account is locked, even the right password is refused and this session is signed out; the
    lockout middleware answers with the locked-out page (429)."""
    checked = authenticate(request, username=user.email, password=password)
    if getattr(request, "axes_locked_out", False):
        logout(request)
        return False
    return checked is not None and checked.pk == user.pk


# --- Sign-up and password-reset rate limits --------------------------------------------
# What a page says when a limit is reached (the API says the RateLimitedError's message).
RATE_LIMITED_PAGE_MESSAGE = (
    "Too many attempts from here or for this address. Please try again in {seconds} seconds."
)


def _account_rate_limit(
    *, what: str, client_ip: str | None, email: str, per_ip: int, per_email: int
) -> None:
    hits = [(f"{what}:ip:{client_ip or 'unknown'}", per_ip)]
    address = (email or "").strip().lower()
    if address:
        # hashed: the key names no one in Redis
        digest = hashlib.sha256(address.encode()).hexdigest()[:32]
        hits.append((f"{what}:email:{digest}", per_email))
    wait = rate_hits(hits, window=settings.ACCOUNT_RATE_WINDOW_SECONDS)
    if wait is not None:
        raise RateLimitedError(
            f"Too many attempts from here or for this address. Try again in {wait} seconds.",
            retry_after=wait,
        )


def signup_rate_limit(*, client_ip: str | None, email: str) -> None:
    """Count one sign-up attempt; RateLimitedError (429) past SIGNUP_ATTEMPTS_PER_IP from this
    client or SIGNUP_ATTEMPTS_PER_EMAIL for this address in the window. Taken and free
    addresses count alike, so the limit reveals nothing."""
    _account_rate_limit(
        what="signup",
        client_ip=client_ip,
        email=email,
        per_ip=settings.SIGNUP_ATTEMPTS_PER_IP,
        per_email=settings.SIGNUP_ATTEMPTS_PER_EMAIL,
    )


def password_reset_rate_limit(*, client_ip: str | None, email: str) -> None:
    """Count one password-reset request, for known and unknown addresses alike; RateLimitedError
    (429) past PASSWORD_RESETS_PER_IP or PASSWORD_RESETS_PER_EMAIL in the window."""
    _account_rate_limit(
        what="reset",
        client_ip=client_ip,
        email=email,
        per_ip=settings.PASSWORD_RESETS_PER_IP,
        per_email=settings.PASSWORD_RESETS_PER_EMAIL,
    )


# --- API tokens --------------------------------------------------------------------------
# Touch last_used_at at most this often: the idle limit is minutes, a write per call is waste.
_TOKEN_TOUCH_EVERY = timedelta(seconds=60)


def _token_digest(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()


def _token_idle_limit(user: User) -> timedelta:
    minutes = (
        settings.SESSION_IDLE_MINUTES_PATIENT
        if user.is_patient
        else settings.SESSION_IDLE_MINUTES_STAFF_ROLES
    )
    return timedelta(minutes=minutes)


def api_token_create(*, user: User) -> str:
    """A new API token for `user` (one per signed-in client); the key is returned once and only
    its digest is kept. Patients' tokens last API_TOKEN_DAYS_PATIENT days, staff roles'
    API_TOKEN_HOURS_STAFF_ROLES hours."""
    key = secrets.token_urlsafe(32)
    lifetime = (
        timedelta(days=settings.API_TOKEN_DAYS_PATIENT)
        if user.is_patient
        else timedelta(hours=settings.API_TOKEN_HOURS_STAFF_ROLES)
    )
    now = timezone.now()
    ApiToken.objects.create(
        user=user,
        digest=_token_digest(key),
        prefix=key[:8],
        auth_hash=user.get_session_auth_hash(),
        created_at=now,
        expires_at=now + lifetime,
        last_used_at=now,
    )
    return key


def api_token_authenticate(*, key: str) -> User | None:
    """The user a token key stands for, or None when it is unknown, expired, idle too long,
    or made before the user's password or session generation changed (then it is deleted)."""
    token = ApiToken.objects.select_related("user").filter(digest=_token_digest(key)).first()
    if token is None:
        return None
    user = token.user
    now = timezone.now()
    alive = (
        user.is_active
        and now < token.expires_at
        and now - token.last_used_at <= _token_idle_limit(user)
        and hmac.compare_digest(token.auth_hash, user.get_session_auth_hash())
    )
    if not alive:
        token.delete()
        return None
    if now - token.last_used_at > _TOKEN_TOUCH_EVERY:
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
    return user


def api_tokens_revoke(*, user: User) -> int:
    """End every API token of `user` (password change or reset, account closed)."""
    count, _ = ApiToken.objects.filter(user=user).delete()
    return count
