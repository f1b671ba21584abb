"""Progression on other features' pages: suggestions on the caseload and the patient page, and
the decisions beside each version of the plan history."""

from typing import Any

from django import template

from accounts.models import User
from programs.models import PlanVersion
from programs.selectors.progression import (
    progression_blocked_reason,
    progression_settings_for,
    suggestions_for_patient,
    suggestions_pending_for_user,
)
from programs.services.progression import suggestion_headline

register = template.Library()


def _rows(suggestions: list) -> list[tuple[Any, str]]:
    return [(s, suggestion_headline(s)) for s in suggestions]


@register.inclusion_tag("programs/progression/_caseload_section.html", takes_context=True)
def progression_caseload_section(context: template.Context) -> dict[str, Any]:
    user: User = context["request"].user
    return {
        "user": user,
        "request": context["request"],
        "csrf_token": context.get("csrf_token"),
        "rows": _rows(suggestions_pending_for_user(user=user)),
        "show_patient": True,
    }


@register.inclusion_tag("programs/progression/_patient_section.html", takes_context=True)
def progression_patient_section(context: template.Context, patient: User) -> dict[str, Any]:
    """The patient page already checked access to `patient`; the reads below scope again."""
    user: User = context["request"].user
    if not (user.is_therapist or user.is_operations_staff):
        return {"visible": False}
    suggestions = suggestions_for_patient(user=user, patient=patient)
    settings = progression_settings_for(patient_id=patient.pk)
    return {
        "visible": True,
        "user": user,
        "request": context["request"],
        "csrf_token": context.get("csrf_token"),
        "patient": patient,
        "rows": _rows([s for s in suggestions if s.is_pending]),
        "recent": _rows([s for s in suggestions if not s.is_pending][:10]),
        "blocked": progression_blocked_reason(patient_id=patient.pk),
        "auto_apply": bool(settings and settings.auto_apply_advances),
        "show_patient": False,
    }


@register.inclusion_tag("programs/progression/_version_decisions.html")
def progression_decisions(version: PlanVersion) -> dict[str, Any]:
    """What the rules suggested on this version and what the PT did, with the numbers."""
    rows = version.progression_suggestions.select_related(
        "exercise", "to_exercise", "decided_by", "applied_version"
    ).order_by("created_at", "id")
    return {"rows": _rows(list(rows)), "version": version}
