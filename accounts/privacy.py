"""Patient rights: a copy of everything held about me, and closing my account.

Other apps add their part of the export by registering a section:

    from accounts.privacy import register_export_section
    register_export_section("plans", lambda patient: [...])   # in AppConfig.ready()

A closed account is deactivated at once (every session and API token ends), kept for
settings.CLOSED_ACCOUNT_RETENTION_DAYS, then erased by the Celery beat task
`accounts_erase_closed_accounts_task`. The audit trail keeps the facts (ids, actions, times).
"""

from collections.abc import Callable
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone
from rest_framework.authtoken.models import Token

from accounts.audit import Action, audit_access_log_for_patient, audit_record
from accounts.models import CareTeamLink, User

ExportSection = Callable[[User], Any]
_SECTIONS: dict[str, ExportSection] = {}


def register_export_section(name: str, build: ExportSection) -> None:
    _SECTIONS[name] = build


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


register_export_section("account", _account)
register_export_section("profile", _profile)
register_export_section("care_team", _care_team)
register_export_section("access_log", _access_log)


def patient_data_export(request: HttpRequest, *, patient: User) -> dict[str, Any]:
    """Everything held about `patient`, as JSON-ready data. The export itself is audited."""
    data = {
        "generated_at": timezone.now().isoformat(),
        **{name: build(patient) for name, build in _SECTIONS.items()},
    }
    audit_record(request_or_actor=request, patient_id=patient.pk, action=Action.EXPORT, obj=patient)
    return data


def sessions_end_everywhere(request: HttpRequest, *, user: User) -> None:
    """End every session and API token of `user` (including the current one)."""
    with transaction.atomic():
        User.objects.filter(pk=user.pk).update(session_generation=user.session_generation + 1)
        Token.objects.filter(user=user).delete()
        audit_record(
            request_or_actor=request,
            patient_id=user.pk if user.is_patient else None,
            action=Action.LOGOUT_EVERYWHERE,
        )


def account_close(request: HttpRequest, *, patient: User) -> None:
    """Deactivate at once; the data stays for the retention period, then is erased."""
    with transaction.atomic():
        User.objects.filter(pk=patient.pk).update(
            is_active=False,
            closed_at=timezone.now(),
            session_generation=patient.session_generation + 1,
        )
        Token.objects.filter(user=patient).delete()
        audit_record(
            request_or_actor=request,
            patient_id=patient.pk,
            action=Action.ACCOUNT_CLOSED,
            obj=patient,
        )


def closed_accounts_erase(*, now: Any = None, batch_size: int = 200) -> int:
    """Erase the accounts closed longer ago than the retention period. Safe to run twice."""
    now = now or timezone.now()
    cutoff = now - timedelta(days=settings.CLOSED_ACCOUNT_RETENTION_DAYS)
    erased = 0
    ids = list(
        User.objects.filter(
            role=User.Role.PATIENT, is_active=False, closed_at__lt=cutoff
        ).values_list("pk", flat=True)[:batch_size]
    )
    for user_id in ids:
        with transaction.atomic():
            user = User.objects.select_for_update(skip_locked=True).filter(pk=user_id).first()
            if user is None:
                continue
            audit_record(
                request_or_actor=None,
                patient_id=user_id,
                action=Action.ERASED,
                obj=user,
            )
            user.delete()
            erased += 1
    return erased
