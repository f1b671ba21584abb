"""The intake questionnaire a newly enrolled patient answers, and the PT's clearance of it."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from accounts.models import User
from accounts.selectors.people import primary_therapist_for
from accounts.services.audit import Action, audit_record
from programs.forms.intake import TIERS, IntakeClearForm, IntakeForm
from programs.models import RED_FLAG_FIELDS, Intake
from programs.services.intake import intake_clear, intake_submit
from therapy.errors import ApplicationError, form_add_error
from therapy.permissions import require_role

# What the patient reads after answering, per tier: the most urgent tier decides.
TIER_PAGES: dict[str, str] = {
    Intake.Tier.EMERGENCY: "programs/intake/seek_care.html",
    Intake.Tier.DOCTOR: "programs/intake/see_doctor.html",
    Intake.Tier.PT_REVIEW: "programs/intake/pt_review.html",
}


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
                in_their_words=data["in_their_words"],
            )
        except ApplicationError as exc:
            form_add_error(form, exc)
        else:
            audit_record(
                request_or_actor=request, patient_id=user.pk, action=Action.CREATE, obj=answers
            )
            therapist = primary_therapist_for(patient=user)
            page = TIER_PAGES.get(answers.red_flag_tier)
            if page:
                return render(
                    request,
                    page,
                    {"intake": answers, "flags": answers.flag_labels(), "therapist": therapist},
                )
            if therapist is not None:
                messages.success(
                    request,
                    f"Thank you. Your physical therapist, {therapist.get_full_name()}, will set "
                    "up your program.",
                )
            else:
                messages.success(
                    request,
                    "Thank you. Our care-coordination team is finding a physical therapist "
                    "licensed in your state, usually within one working day; they will then set "
                    "up your program.",
                )
            return redirect("home")
    tiers = [(title, [form[name] for name in names]) for title, names in TIERS]
    return render(
        request,
        "programs/intake/intake.html",
        {"form": form, "red_flag_names": RED_FLAG_FIELDS, "tiers": tiers},
    )


@login_required
@require_POST
def intake_clear_view(request: HttpRequest, patient_id: int) -> HttpResponse:
    """The patient's PT records that a program may start despite the intake's flags."""
    user: User = require_role(request, User.Role.THERAPIST)
    form = IntakeClearForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Say why the program may start before clearing the intake.")
        return redirect("patient-detail", patient_id)
    try:
        intake_clear(
            therapist=user,
            patient_id=patient_id,
            reason=form.cleaned_data["reason"],
            audit_as=request,
        )
    except ApplicationError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, "Intake cleared. You can now assign a program.")
    return redirect("patient-detail", patient_id)
