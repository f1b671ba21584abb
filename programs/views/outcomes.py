"""Outcome measures: the patient answers them, the PT reads a patient's."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from accounts.models import User
from accounts.selectors import patient_get_for_user
from accounts.services.audit import Action, audit_read, audit_record
from programs import outcomes_scoring
from programs.forms.outcomes import OdiForm, PainCheckInForm, PsfsForm
from programs.models import OutcomeResponse
from programs.selectors.outcomes import outcome_overview, psfs_baseline_activities
from programs.services import outcomes as outcome_services
from therapy.http import AuthenticatedHttpRequest
from therapy.permissions import require_role


@login_required
def my_outcomes(request: AuthenticatedHttpRequest) -> HttpResponse:
    user = require_role(request, User.Role.PATIENT)
    overview = outcome_overview(user=user, patient_id=user.pk)
    audit_record(request_or_actor=request, patient_id=user.pk, action=Action.READ)
    return render(request, "programs/outcomes/my_outcomes.html", {"overview": overview})


_FORMS = {"nrs": PainCheckInForm, "odi": OdiForm, "psfs": PsfsForm}


@login_required
@require_http_methods(["GET", "POST"])
def outcome_answer(request: AuthenticatedHttpRequest, measure: str) -> HttpResponse:
    user = require_role(request, User.Role.PATIENT)
    if measure not in _FORMS:
        raise Http404("No such questionnaire.")
    form: PainCheckInForm | OdiForm | PsfsForm
    data = request.POST if request.method == "POST" else None
    if measure == "psfs":
        # a follow-up re-rates the baseline's activities: prefilled, read-only
        form = PsfsForm(data, baseline=psfs_baseline_activities(patient=user))
    else:
        form = _FORMS[measure](data)
    if request.method == "POST" and form.is_valid():
        if isinstance(form, OdiForm):
            answers: dict = {"sections": form.sections()}
        elif isinstance(form, PsfsForm):
            answers = {"activities": form.activities()}
        else:
            answers = {"pain": form.cleaned_data["pain"]}
        try:
            response = outcome_services.outcome_record(
                patient=user, measure=measure, answers=answers
            )
        except ValidationError as exc:
            for name, errors in exc.message_dict.items():
                for error in errors:
                    form.add_error(name if name in form.fields else None, error)
        else:
            audit_record(
                request_or_actor=request, patient_id=user.pk, action=Action.CREATE, obj=response
            )
            label = OutcomeResponse.Measure(measure).label
            band = (
                f" ({outcomes_scoring.odi_band(response.score).label.lower()})"
                if measure == "odi"
                else ""
            )
            messages.success(request, f"Thank you. {label}: your score is {response.score}{band}.")
            return redirect("programs:my-outcomes")
    return render(
        request,
        f"programs/outcomes/outcome_{measure}.html",
        {"form": form, "odi_sections": outcomes_scoring.ODI_SECTIONS},
    )


@login_required
def patient_outcomes(request: AuthenticatedHttpRequest, patient_id: int) -> HttpResponse:
    """The PT's full view of one patient's outcome measures."""
    require_role(request, User.Role.THERAPIST)
    patient = patient_get_for_user(user=request.user, patient_id=patient_id)
    overview = outcome_overview(user=request.user, patient_id=patient.pk)
    audit_read(request, patient_id=patient.pk, obj=patient)
    return render(
        request,
        "programs/outcomes/patient_outcomes.html",
        {"patient": patient, "overview": overview},
    )
