"""Acknowledging a clinical alert."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_http_methods

from accounts.models import User
from accounts.services.audit import Action, audit_record
from programs.forms.alerts import AlertAcknowledgeForm
from programs.selectors.alerts import alert_describe, alert_get_for_user
from programs.services import alerts as alert_services
from therapy.errors import ApplicationError, form_add_error
from therapy.http import AuthenticatedHttpRequest
from therapy.permissions import require_role


@login_required
@require_http_methods(["GET", "POST"])
def alert_acknowledge(request: AuthenticatedHttpRequest, alert_id: int) -> HttpResponse:
    user = require_role(request, User.Role.THERAPIST)
    alert = alert_get_for_user(user=user, alert_id=alert_id)
    form = AlertAcknowledgeForm(request.POST if request.method == "POST" else None)
    back = request.POST.get("next") or request.GET.get("next") or reverse("caseload")
    if not url_has_allowed_host_and_scheme(back, allowed_hosts={request.get_host()}):
        back = reverse("caseload")
    if request.method == "POST" and form.is_valid():
        try:
            alert_services.alert_acknowledge(
                user=user, alert_id=alert.pk, note=form.cleaned_data["note"]
            )
        except ApplicationError as exc:
            form_add_error(form, exc)
        else:
            audit_record(
                request_or_actor=request,
                patient_id=alert.patient_id,
                action=Action.UPDATE,
                obj=alert,
            )
            messages.success(request, f"Alert acknowledged for {alert.patient.get_full_name()}.")
            return redirect(back)
    return render(
        request,
        "programs/alerts/acknowledge.html",
        {
            "alert": alert,
            "description": alert_describe(alert),
            "form": form,
            "next": back,
        },
    )
