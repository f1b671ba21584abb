"""The intake questionnaire a newly enrolled patient answers."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from accounts.models import User
from accounts.services.audit import Action, audit_record
from programs.forms.intake import IntakeForm
from programs.models import RED_FLAG_FIELDS
from programs.services.intake import intake_submit
from therapy.errors import ApplicationError


@login_required
def intake(request: HttpRequest) -> HttpResponse:
    user: User = request.user  # type: ignore[assignment]
    if not user.is_patient:
        raise Http404("Only patients answer the intake.")
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
            for field, errors in exc.errors.items():
                form.add_error(field if field in form.fields else None, errors)
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
