"""Pages for sign-in security (MFA, log out everywhere), privacy rights and the staff audit."""

import json
from datetime import UTC, datetime, time, timedelta

from axes.models import AccessAttempt
from axes.utils import reset as axes_reset
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.core.serializers.json import DjangoJSONEncoder
from django.http import Http404, HttpRequest, HttpResponse, StreamingHttpResponse
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from accounts import audit, mfa, privacy
from accounts.models import AuditEvent, User
from accounts.security_forms import (
    AuditSearchForm,
    CloseAccountForm,
    OtpTokenForm,
    TotpConfirmForm,
    UnlockForm,
)


def _next_url(request: HttpRequest) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return "/"


def _staff_or_404(user: User) -> None:
    if not user.is_operations_staff:
        raise Http404("No such page.")


def _patient_or_404(user: User) -> None:
    if not user.is_patient:
        raise Http404("No such page.")


# --- MFA ---------------------------------------------------------------------------------
@never_cache
@login_required
def mfa_setup(request: HttpRequest) -> HttpResponse:
    user: User = request.user  # type: ignore[assignment]
    if mfa.user_has_confirmed_device(user) and not user.is_verified():  # type: ignore[attr-defined]
        # Replacing an authenticator needs the current one first.
        return redirect("security:mfa-verify")
    device = mfa.totp_device_start(user=user)
    form = TotpConfirmForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        wait = mfa.mfa_retry_wait_message(user=user)
        codes = (
            None
            if wait
            else mfa.totp_device_confirm(
                request, device=device, token=form.cleaned_data["otp_token"]
            )
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
    return render(
        request,
        "accounts/security/mfa_setup.html",
        {
            "form": form,
            "qr": mfa.totp_qr_data_uri(device),
            "secret": mfa.totp_secret_base32(device),
            "next": _next_url(request),
            "required": user.role in settings.MFA_REQUIRED_ROLES,
        },
    )


@never_cache
@login_required
def mfa_verify(request: HttpRequest) -> HttpResponse:
    user: User = request.user  # type: ignore[assignment]
    if not mfa.user_has_confirmed_device(user):
        return redirect("security:mfa-setup")
    form = OtpTokenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        wait = mfa.mfa_retry_wait_message(user=user)
        if wait is None and mfa.mfa_verify(request, token=form.cleaned_data["otp_token"]):
            return redirect(_next_url(request))
        form.add_error("otp_token", wait or "That code is not right, or was already used.")
    return render(
        request, "accounts/security/mfa_verify.html", {"form": form, "next": _next_url(request)}
    )


@never_cache
@login_required
def security_overview(request: HttpRequest) -> HttpResponse:
    user: User = request.user  # type: ignore[assignment]
    return render(
        request,
        "accounts/security/overview.html",
        {
            "has_mfa": mfa.user_has_confirmed_device(user),
            "mfa_required": user.role in settings.MFA_REQUIRED_ROLES,
            "idle_minutes": settings.SESSION_IDLE_MINUTES_PATIENT
            if user.is_patient
            else settings.SESSION_IDLE_MINUTES_STAFF_ROLES,
        },
    )


@never_cache
@require_POST
@login_required
def recovery_codes_regenerate(request: HttpRequest) -> HttpResponse:
    user: User = request.user  # type: ignore[assignment]
    if not mfa.user_has_confirmed_device(user):
        return redirect("security:mfa-setup")
    codes = mfa.recovery_codes_generate(user=user)
    return render(
        request,
        "accounts/security/recovery_codes.html",
        {"codes": codes, "next": "/", "first_time": False},
    )


@require_POST
@login_required
def logout_everywhere(request: HttpRequest) -> HttpResponse:
    privacy.sessions_end_everywhere(request, user=request.user)  # type: ignore[arg-type]
    logout(request)
    messages.success(request, "You are logged out on every device.")
    return redirect("accounts:login")


# --- patient rights ----------------------------------------------------------------------
@login_required
def privacy_overview(request: HttpRequest) -> HttpResponse:
    _patient_or_404(request.user)  # type: ignore[arg-type]
    return render(
        request,
        "accounts/security/privacy.html",
        {
            "form": CloseAccountForm(),
            "retention_days": settings.CLOSED_ACCOUNT_RETENTION_DAYS,
        },
    )


@login_required
def access_log(request: HttpRequest) -> HttpResponse:
    user: User = request.user  # type: ignore[assignment]
    _patient_or_404(user)
    page = Paginator(audit.audit_access_log_for_patient(patient=user), 50).get_page(
        request.GET.get("page")
    )
    return render(request, "accounts/security/access_log.html", {"page": page})


@never_cache
@login_required
def data_export(request: HttpRequest) -> HttpResponse:
    user: User = request.user  # type: ignore[assignment]
    _patient_or_404(user)
    data = privacy.patient_data_export(request, patient=user)
    response = HttpResponse(
        json.dumps(data, cls=DjangoJSONEncoder, indent=2), content_type="application/json"
    )
    response["Content-Disposition"] = 'attachment; filename="my-psoas-care-data.json"'
    return response


@require_POST
@login_required
def account_close(request: HttpRequest) -> HttpResponse:
    user: User = request.user  # type: ignore[assignment]
    _patient_or_404(user)
    form = CloseAccountForm(request.POST)
    if not form.is_valid() or not user.check_password(form.cleaned_data["password"]):
        form.add_error("password", "That password is not right.")
        return render(
            request,
            "accounts/security/privacy.html",
            {"form": form, "retention_days": settings.CLOSED_ACCOUNT_RETENTION_DAYS},
            status=400,
        )
    privacy.account_close(request, patient=user)
    logout(request)
    messages.success(
        request,
        "Your account is closed. Your data will be erased after "
        f"{settings.CLOSED_ACCOUNT_RETENTION_DAYS} days.",
    )
    return redirect("accounts:login")


# --- staff: audit and lockouts -----------------------------------------------------------
def _search(form: AuditSearchForm):  # -> QuerySet[AuditEvent]
    data = form.cleaned_data if form.is_valid() else {}
    since = data.get("since")
    until = data.get("until")
    return audit.audit_event_search(
        actor_email=data.get("actor_email") or "",
        patient_id=data.get("patient_id"),
        action=data.get("action") or "",
        since=datetime.combine(since, time.min, tzinfo=UTC) if since else None,
        until=datetime.combine(until + timedelta(days=1), time.min, tzinfo=UTC) if until else None,
    )


@login_required
def audit_log(request: HttpRequest) -> HttpResponse:
    _staff_or_404(request.user)  # type: ignore[arg-type]
    form = AuditSearchForm(request.GET or None)
    page = Paginator(_search(form), 100).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "accounts/security/audit_log.html",
        {"form": form, "page": page, "query": query.urlencode()},
    )


@login_required
def audit_export_csv(request: HttpRequest) -> StreamingHttpResponse:
    _staff_or_404(request.user)  # type: ignore[arg-type]
    events = _search(AuditSearchForm(request.GET or None))
    audit.audit_record(request_or_actor=request, patient_id=None, action=AuditEvent.Action.EXPORT)
    response = StreamingHttpResponse(audit.audit_csv_lines(events), content_type="text/csv")
    response["Content-Disposition"] = 'attachment; filename="audit-events.csv"'
    return response


@login_required
def lockouts(request: HttpRequest) -> HttpResponse:
    _staff_or_404(request.user)  # type: ignore[arg-type]
    if request.method == "POST":
        form = UnlockForm(request.POST)
        if form.is_valid():
            username = form.cleaned_data["username"]
            axes_reset(username=username)
            locked = User.objects.filter(email__iexact=username).first()
            audit.audit_record(
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
