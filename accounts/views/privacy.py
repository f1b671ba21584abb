""" "My data": the privacy page, the data export and closing an account."""

import json

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.decorators import login_required
from django.core.serializers.json import DjangoJSONEncoder
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from accounts.forms.privacy import CloseAccountForm
from accounts.models import User
from accounts.services.privacy import account_close as account_close_service
from accounts.services.privacy import patient_data_export
from therapy.permissions import require_role


# --- patient rights ----------------------------------------------------------------------
@login_required
def privacy_overview(request: HttpRequest) -> HttpResponse:
    require_role(request, User.Role.PATIENT)
    return render(
        request,
        "accounts/privacy/privacy.html",
        {
            "form": CloseAccountForm(),
            "retention_days": settings.CLOSED_ACCOUNT_RETENTION_DAYS,
        },
    )


@never_cache
@login_required
def data_export(request: HttpRequest) -> HttpResponse:
    user = require_role(request, User.Role.PATIENT)
    data = patient_data_export(request, patient=user)
    response = HttpResponse(
        json.dumps(data, cls=DjangoJSONEncoder, indent=2), content_type="application/json"
    )
    response["Content-Disposition"] = 'attachment; filename="my-psoas-care-data.json"'
    return response


@require_POST
@login_required
def account_close(request: HttpRequest) -> HttpResponse:
    user = require_role(request, User.Role.PATIENT)
    form = CloseAccountForm(request.POST)
    if not form.is_valid() or not user.check_password(form.cleaned_data["password"]):
        form.add_error("password", "That password is not right.")
        return render(
            request,
            "accounts/privacy/privacy.html",
            {"form": form, "retention_days": settings.CLOSED_ACCOUNT_RETENTION_DAYS},
            status=400,
        )
    account_close_service(request, patient=user)
    logout(request)
    messages.success(
        request,
        "Your account is closed. Your data will be erased after "
        f"{settings.CLOSED_ACCOUNT_RETENTION_DAYS} days.",
    )
    return redirect("accounts:login")
