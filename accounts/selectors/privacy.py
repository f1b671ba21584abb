"""The "My data" export: everything held about a patient, as JSON-ready data."""

from typing import Any

from accounts.models import CareTeamLink, User
from accounts.selectors.audit import audit_access_log_for_patient


def _account(patient: User) -> dict[str, Any]:
    return {
        "id": patient.pk,
        "email": patient.email,
        "first_name": patient.first_name,
        "last_name": patient.last_name,
        "date_joined": patient.date_joined.isoformat(),
        "last_login": patient.last_login.isoformat() if patient.last_login else None,
    }


def _profile(patient: User) -> dict[str, Any] | None:
    profile = getattr(patient, "patient_profile", None)
    if profile is None:
        return None
    return {
        "date_of_birth": profile.date_of_birth.isoformat(),
        "phone": profile.phone,
        "time_zone": profile.time_zone,
        "preferred_language": profile.preferred_language,
        "state": profile.state,
        "created_at": profile.created_at.isoformat(),
        "updated_at": profile.updated_at.isoformat(),
    }


def _care_team(patient: User) -> list[dict[str, Any]]:
    links = CareTeamLink.objects.filter(patient=patient).select_related("therapist")
    return [
        {
            "therapist": link.therapist.get_full_name(),
            "is_primary": link.is_primary,
            "started_at": link.started_at.isoformat(),
            "ended_at": link.ended_at.isoformat() if link.ended_at else None,
        }
        for link in links.order_by("started_at")
    ]


def _access_log(patient: User) -> list[dict[str, Any]]:
    return [
        {
            "at": event.at.isoformat(),
            "who": event.actor.get_full_name() if event.actor else "",
            "role": event.actor_role,
            "action": event.action,
            "object_type": event.object_type,
            "object_id": event.object_id,
        }
        for event in audit_access_log_for_patient(patient=patient)
    ]


def patient_data(*, patient: User) -> dict[str, Any]:
    """Every section of the export, by name."""
    return {
        "account": _account(patient),
        "profile": _profile(patient),
        "care_team": _care_team(patient),
        "access_log": _access_log(patient),
    }
