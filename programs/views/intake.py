"""The intake questionnaire a newly enrolled patient answers."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from accounts.models import User
from accounts.services.audit import Action, audit_record
from programs.forms.intake import IntakeForm
from programs.models import RED_FLAG_FIELDS
from programs.services.intake import intake_submit
from therapy.errors import ApplicationError, form_add_error
from therapy.permissions import require_role


@login_required
def intake(request: HttpRequest) -> HttpResponse:
    user = require_role(request, User.Role.PATIENT)
    form = IntakeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            answers = intake_submit(
                patient=user,
                pain_areas=data["pain_areas"],
                pain_now=data["pain_now"],
                goals=data["goals"],
                hard_activities=data["hard_activities"].splitlines(),
                red_flags={name: data[name] for name in RED_FLAG_FIELDS},
            )
        except ApplicationError as exc:
            form_add_error(form, exc)
        else:
            audit_record(
                request_or_actor=request, patient_id=user.pk, action=Action.CREATE, obj=answers
            )
            if answers.has_red_flags:
                return render(request, "programs/intake/seek_care.html")
            messages.success(
                request, "Thank you. Your physical therapist will set up your program."
            )
            return redirect("home")
    return render(
        request,
        "programs/intake/intake.html",
        {"form": form, "red_flag_names": RED_FLAG_FIELDS},
    )
