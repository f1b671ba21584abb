"""The intake section of the PT's patient page: which flags, when, the patient's words, the
phone number, and the clearance form."""

from django import template

from accounts.models import User
from programs.forms.intake import IntakeClearForm
from programs.selectors.intake import intake_review_for_user

register = template.Library()


@register.inclusion_tag("programs/intake/_patient_section.html", takes_context=True)
def intake_section(context: template.Context, patient: User) -> dict:
    user: User = context["request"].user
    if not (user.is_therapist or user.is_operations_staff):
        return {"visible": False}
    return {
        "visible": True,
        "user": user,
        "patient": patient,
        "csrf_token": context.get("csrf_token"),
        "viewer_zone": context.get("viewer_zone", "UTC"),
        "review": intake_review_for_user(user=user, patient_id=patient.pk),
        "clear_form": IntakeClearForm(),
    }
