""" "My data": the privacy page, the data export and closing an account."""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse, StreamingHttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from accounts.forms.privacy import CloseAccountForm
from accounts.models import User
from accounts.services.privacy import account_close as account_close_service
from accounts.services.privacy import patient_data_export_stream
from accounts.services.security import password_recheck
from therapy.permissions import require_role


def _retention() -> dict[str, int]:
    return {
        "retention_days": settings.CLOSED_ACCOUNT_RETENTION_DAYS,
        "clinical_years": settings.CLINICAL_RECORD_RETENTION_YEARS,
    }


# --- patient rights ----------------------------------------------------------------------
@login_required
def privacy_overview(request: HttpRequest) -> HttpResponse:
    require_role(request, User.Role.PATIENT)
    return render(
        request,
        "accounts/privacy/privacy.html",
        {"form": CloseAccountForm(), **_retention()},
    )


@never_cache
@login_required
def data_export(request: HttpRequest) -> StreamingHttpResponse:
    user = require_role(request, User.Role.PATIENT)
    response = StreamingHttpResponse(
        patient_data_export_stream(request, patient=user), content_type="application/json"
    )
    response["Content-Disposition"] = 'attachment; filename="my-psoas-care-data.json"'
    return response


@require_POST
@login_required
def account_close(request: HttpRequest) -> HttpResponse:
    user = require_role(request, User.Role.PATIENT)
    form = CloseAccountForm(request.POST)
    if not form.is_valid() or not password_recheck(
        request, user=user, password=form.cleaned_data["password"]
    ):
        form.add_error("password", "That password is not right.")
        return render(
            request,
            "accounts/privacy/privacy.html",
            {"form": form, **_retention()},
            status=400,
        )
    account_close_service(request, patient=user)
    logout(request)
    messages.success(
        request,
        "Your account is closed. Data outside your health record is erased after "
        f"{settings.CLOSED_ACCOUNT_RETENTION_DAYS} days; your health record is kept for "
        f"{settings.CLINICAL_RECORD_RETENTION_YEARS} years after your last activity, then erased.",
    )
    return redirect("accounts:login")
