"""Pages for sign-in security: MFA, log out everywhere, and the staff lockout list."""

from axes.models import AccessAttempt
from axes.utils import reset as axes_reset
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts.forms.security import OtpTokenForm, TotpConfirmForm, UnlockForm
from accounts.models import AuditEvent, User
from accounts.selectors.security import (
    mfa_retry_wait_message,
    totp_qr_data_uri,
    totp_secret_base32,
    user_has_confirmed_device,
)
from accounts.services.audit import audit_record
from accounts.services.security import mfa_verify as mfa_verify_token
from accounts.services.security import (
    password_recheck,
    recovery_codes_generate,
    sessions_end_everywhere,
    totp_device_confirm,
    totp_device_start,
)
from therapy.http import AuthenticatedHttpRequest
from therapy.offline import clear_site_data
from therapy.permissions import require_role


def _next_url(request: HttpRequest) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return "/"


# --- MFA ---------------------------------------------------------------------------------
@never_cache
@login_required
def mfa_setup(request: AuthenticatedHttpRequest) -> HttpResponse:
    user = request.user
    if user_has_confirmed_device(user) and not user.is_verified():
        # Replacing an authenticator needs the current one first.
        return redirect("security:mfa-verify")
    device = totp_device_start(user=user)
    form = TotpConfirmForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if not password_recheck(request, user=user, password=form.cleaned_data["password"]):
            form.add_error("password", "That is not your password.")
            return _mfa_setup_page(request, form=form, device=device, user=user)
        wait = mfa_retry_wait_message(user=user)
        codes = (
            None
            if wait
            else totp_device_confirm(request, device=device, token=form.cleaned_data["otp_token"])
        )
        if codes is not None:
            return render(
                request,
                "accounts/security/recovery_codes.html",
                {"codes": codes, "next": _next_url(request), "first_time": True},
            )
        form.add_error(
            "otp_token", wait or "That code is not right. Check the app and try the new code."
        )
    return _mfa_setup_page(request, form=form, device=device, user=user)


def _mfa_setup_page(
    request: HttpRequest, *, form: TotpConfirmForm, device: TOTPDevice, user: User
) -> HttpResponse:
    return render(
        request,
        "accounts/security/mfa_setup.html",
        {
            "form": form,
            "qr": totp_qr_data_uri(device),
            "secret": totp_secret_base32(device),
            "next": _next_url(request),
            "required": user.role in settings.MFA_REQUIRED_ROLES,
        },
    )


@never_cache
@login_required
def mfa_verify(request: AuthenticatedHttpRequest) -> HttpResponse:
    user = request.user
    if not user_has_confirmed_device(user):
        return redirect("security:mfa-setup")
    form = OtpTokenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        wait = mfa_retry_wait_message(user=user)
        if wait is None and mfa_verify_token(request, token=form.cleaned_data["otp_token"]):
            return redirect(_next_url(request))
        form.add_error("otp_token", wait or "That code is not right, or was already used.")
    return render(
        request, "accounts/security/mfa_verify.html", {"form": form, "next": _next_url(request)}
    )


@never_cache
@login_required
def security_overview(request: AuthenticatedHttpRequest) -> HttpResponse:
    user = request.user
    return render(
        request,
        "accounts/security/overview.html",
        {
            "has_mfa": user_has_confirmed_device(user),
            "mfa_required": user.role in settings.MFA_REQUIRED_ROLES,
            "idle_minutes": settings.SESSION_IDLE_MINUTES_PATIENT
            if user.is_patient
            else settings.SESSION_IDLE_MINUTES_STAFF_ROLES,
        },
    )


@never_cache
@require_POST
@login_required
def recovery_codes_regenerate(request: AuthenticatedHttpRequest) -> HttpResponse:
    user = request.user
    if not user_has_confirmed_device(user):
        return redirect("security:mfa-setup")
    codes = recovery_codes_generate(user=user)
    return render(
        request,
        "accounts/security/recovery_codes.html",
        {"codes": codes, "next": "/", "first_time": False},
    )


@require_POST
@login_required
def logout_everywhere(request: AuthenticatedHttpRequest) -> HttpResponse:
    sessions_end_everywhere(request, user=request.user)
    logout(request)
    messages.success(request, "You are logged out on every device.")
    return clear_site_data(redirect("accounts:login"))


@login_required
def lockouts(request: HttpRequest) -> HttpResponse:
    require_role(request, User.Role.STAFF)
    if request.method == "POST":
        form = UnlockForm(request.POST)
        if form.is_valid():
            username = form.cleaned_data["username"]
            axes_reset(username=username)
            locked = User.objects.filter(email__iexact=username).first()
            audit_record(
                request_or_actor=request,
                patient_id=locked.pk if locked and locked.is_patient else None,
                action=AuditEvent.Action.UNLOCK,
                obj=locked,
            )
            messages.success(request, f"{username} can log in again.")
        return redirect("security:lockouts")
    attempts = AccessAttempt.objects.filter(
        failures_since_start__gte=settings.AXES_FAILURE_LIMIT
    ).order_by("-attempt_time")
    return render(request, "accounts/security/lockouts.html", {"attempts": attempts})


# --- what a locked-out person sees (django-axes calls this; see AXES_LOCKOUT_CALLABLE) ----
LOCKED_MESSAGE = (
    "Too many wrong passwords were tried for this account, so it is locked for {minutes} "
    "minutes. Try again later, reset your password, or ask support to unlock it."
)


def lockout_response(
    request: HttpRequest, original_response: HttpResponse | None = None, credentials: object = None
) -> HttpResponse:
    minutes = int(settings.AXES_COOLOFF_TIME.total_seconds() // 60)
    if request.path.startswith("/api/"):
        return JsonResponse(
            {"detail": LOCKED_MESSAGE.format(minutes=minutes), "errors": {}}, status=429
        )
    return render(
        request,
        "accounts/security/locked_out.html",
        {"cooloff_timedelta": settings.AXES_COOLOFF_TIME, "cooloff_minutes": minutes},
        status=429,
    )
