"""Sections other apps' pages include: the plan and recent completions on the PT's patient page."""

from typing import Any

from django import template

from programs.selectors.library import program_templates
from programs.selectors.plans import completions_recent, plan_active_for_patient, plan_items

register = template.Library()


@register.inclusion_tag("programs/plans/_patient_section.html", takes_context=True)
def patient_plan_section(context: dict[str, Any], patient: Any) -> dict[str, Any]:
    """The patient page already checked access to `patient`; the reads below scope again."""
    user = context["user"]
    plan = plan_active_for_patient(patient=patient)
    return {
        "user": user,
        "patient": patient,
        "plan": plan,
        "items": (
            plan_items(version=plan.current_version) if plan and plan.current_version else []
        ),
        "templates": list(program_templates()),
        "completions": completions_recent(user=user, patient=patient),
        "csrf_token": context.get("csrf_token"),
    }
