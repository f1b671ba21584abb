"""The caseload sections of the PT's patient page (alerts, outcomes, notes), so that page's view
stays untouched."""

from django import template

from accounts.models import User
from programs.selectors.alerts import alert_describe, alerts_for_patient
from programs.selectors.notes import notes_for_patient
from programs.selectors.outcomes import outcome_overview

register = template.Library()


@register.inclusion_tag("programs/caseload/_patient_sections.html", takes_context=True)
def caseload_patient_sections(context: template.Context, patient: User) -> dict:
    user: User = context["request"].user
    if not (user.is_therapist or user.is_operations_staff):
        return {"visible": False}
    alerts = alerts_for_patient(user=user, patient=patient)
    return {
        "visible": True,
        "request": context["request"],
        "csrf_token": context.get("csrf_token"),
        "user": user,
        "patient": patient,
        "viewer_zone": context.get("viewer_zone", "UTC"),
        "alerts": [(a, alert_describe(a)) for a in alerts],
        "overview": outcome_overview(user=user, patient_id=patient.pk),
        "notes": notes_for_patient(user=user, patient_id=patient.pk),
    }
