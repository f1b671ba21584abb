"""The PT's one-click decisions on progression suggestions, and the auto-apply switch."""

from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_http_methods, require_POST

from accounts.models import User
from accounts.selectors import patient_get_for_user
from accounts.services.audit import Action, audit_record
from programs.forms.progression import AutoApplyForm, SuggestionDecisionForm, SuggestionEditForm
from programs.selectors.progression import suggestion_get_for_user
from programs.services.progression import (
    DoseEdit,
    progression_settings_set,
    suggestion_accept,
    suggestion_decline,
    suggestion_headline,
)
from therapy.errors import ApplicationError, form_add_error
from therapy.http import AuthenticatedHttpRequest
from therapy.permissions import require_role


def _back(request: AuthenticatedHttpRequest, patient_id: int) -> str:
    back = request.POST.get("next") or request.GET.get("next") or ""
    if not back or not url_has_allowed_host_and_scheme(back, allowed_hosts={request.get_host()}):
        back = reverse("patient-detail", args=[patient_id])
    return back


def _errors_text(form: SuggestionDecisionForm) -> str:
    return " ".join(str(e) for errors in form.errors.values() for e in errors)


def _decide(
    request: AuthenticatedHttpRequest,
    suggestion_id: int,
    decide: Callable[..., str],
    verb: str,
) -> HttpResponse:
    """Accept or decline in one click: the service decides, the page audits and says what
    happened. `decide` returns the text after "Accepted: " or "Declined: "."""
    user = require_role(request, User.Role.THERAPIST)
    suggestion = suggestion_get_for_user(user=user, suggestion_id=suggestion_id)
    form = SuggestionDecisionForm(request.POST)
    if form.is_valid():
        try:
            done = decide(user, suggestion, form.cleaned_data["expected_version"])
        except ApplicationError as exc:
            form_add_error(form, exc)
        else:
            audit_record(
                request_or_actor=request,
                patient_id=suggestion.patient_id,
                action=Action.UPDATE,
                obj=suggestion,
            )
            messages.success(request, f"{verb.capitalize()}: {done}")
            return redirect(_back(request, suggestion.patient_id))
    messages.error(request, f"Not {verb}: {_errors_text(form)}")
    return redirect(_back(request, suggestion.patient_id))


@login_required
@require_POST
def suggestion_accept_view(request: AuthenticatedHttpRequest, suggestion_id: int) -> HttpResponse:
    def accept(user: User, suggestion: Any, expected_version: int) -> str:
        version = suggestion_accept(
            therapist=user, suggestion=suggestion, expected_version=expected_version
        )
        return f"{suggestion_headline(suggestion)}. Saved as version {version.number}."

    return _decide(request, suggestion_id, accept, "accepted")


@login_required
@require_POST
def suggestion_decline_view(request: AuthenticatedHttpRequest, suggestion_id: int) -> HttpResponse:
    def decline(user: User, suggestion: Any, expected_version: int) -> str:
        suggestion_decline(therapist=user, suggestion=suggestion, expected_version=expected_version)
        return f"{suggestion_headline(suggestion)}."

    return _decide(request, suggestion_id, decline, "declined")


@login_required
@require_http_methods(["GET", "POST"])
def suggestion_edit_view(request: AuthenticatedHttpRequest, suggestion_id: int) -> HttpResponse:
    user = require_role(request, User.Role.THERAPIST)
    suggestion = suggestion_get_for_user(user=user, suggestion_id=suggestion_id)
    initial = {
        "expected_version": suggestion.based_on_version.number,
        "sets": suggestion.to_sets,
        "reps": suggestion.to_reps,
        "hold_seconds": suggestion.to_hold_seconds,
    }
    form = SuggestionEditForm(request.POST if request.method == "POST" else None, initial=initial)
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            data = form.cleaned_data
            try:
                version = suggestion_accept(
                    therapist=user,
                    suggestion=suggestion,
                    expected_version=data["expected_version"],
                    edit=DoseEdit(
                        sets=data["sets"], reps=data["reps"], hold_seconds=data["hold_seconds"]
                    ),
                )
            except ApplicationError as exc:
                form_add_error(form, exc)
            else:
                audit_record(
                    request_or_actor=request,
                    patient_id=suggestion.patient_id,
                    action=Action.UPDATE,
                    obj=suggestion,
                )
                messages.success(request, f"Saved as version {version.number}.")
                return redirect(_back(request, suggestion.patient_id))
    return render(
        request,
        "programs/progression/edit.html",
        {
            "suggestion": suggestion,
            "headline": suggestion_headline(suggestion),
            "form": form,
            "next": _back(request, suggestion.patient_id),
        },
        status=status,
    )


@login_required
@require_POST
def progression_auto_view(request: AuthenticatedHttpRequest, patient_id: int) -> HttpResponse:
    user = require_role(request, User.Role.THERAPIST)
    patient = patient_get_for_user(user=user, patient_id=patient_id)
    form = AutoApplyForm(request.POST)
    form.is_valid()  # a checkbox: absent means off
    settings = progression_settings_set(
        therapist=user,
        patient=patient,
        auto_apply_advances=form.cleaned_data.get("auto_apply_advances", False),
    )
    audit_record(
        request_or_actor=request, patient_id=patient.pk, action=Action.UPDATE, obj=settings
    )
    state = "on" if settings.auto_apply_advances else "off"
    messages.success(request, f"Automatic advances are {state} for {patient.get_full_name()}.")
    return redirect(_back(request, patient.pk))
