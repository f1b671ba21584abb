"""The "My data" export: everything held about a patient, as JSON-ready data.

The account's own sections are built here. Other apps add theirs with
`register_export_section` from their AppConfig.ready() (accounts never imports programs), and
the records map (programs/records_map.py) names the section that holds every model.
"""

import json
from collections.abc import Callable, Iterable, Iterator
from typing import Any

from django.core.serializers.json import DjangoJSONEncoder

from accounts.models import CareTeamLink, Enrolment, User
from accounts.selectors.audit import audit_access_log_for_patient

# A section builder returns JSON-ready data; a list may be given as an iterator, which the
# streaming export writes one element at a time.
ExportSection = Callable[[User], Any]
_SECTIONS: dict[str, ExportSection] = {}


def register_export_section(name: str, builder: ExportSection) -> None:
    """Add (or replace) one named section of every patient's export."""
    _SECTIONS[name] = builder


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


def _enrolment(patient: User) -> dict[str, Any] | None:
    enrolment = (
        Enrolment.objects.filter(user=patient).select_related("roster_entry__sponsor").first()
    )
    if enrolment is None:
        return None
    return {
        "sponsor": enrolment.roster_entry.sponsor.name,
        "enrolled_at": enrolment.enrolled_at.isoformat(),
    }


register_export_section("account", _account)
register_export_section("profile", _profile)
register_export_section("enrolment", _enrolment)
register_export_section("care_team", _care_team)
register_export_section("access_log", _access_log)


def export_section_names() -> list[str]:
    return list(_SECTIONS)


def _materialize(value: Any) -> Any:
    if isinstance(value, dict):
        return {key: _materialize(item) for key, item in value.items()}
    if isinstance(value, list | tuple | Iterator):
        return [_materialize(item) for item in value]
    return value


def _encode(value: Any) -> str:
    return json.dumps(value, cls=DjangoJSONEncoder)


def json_stream_array(items: Iterable[Any]) -> Iterator[str]:
    """A JSON array written one element at a time."""
    yield "["
    for index, item in enumerate(items):
        yield ("," if index else "") + _encode(_materialize(item))
    yield "]"


def patient_data_stream(*, patient: User, head: dict[str, Any]) -> Iterator[str]:
    """The export as JSON text in chunks: one section at a time, long lists element by
    element, so a large record never sits in memory whole."""
    yield "{"
    for index, (key, value) in enumerate(head.items()):
        yield ("," if index else "") + f"{_encode(key)}:{_encode(value)}"
    for index, (name, builder) in enumerate(_SECTIONS.items(), start=len(head)):
        yield ("," if index else "") + f"{_encode(name)}:"
        value = builder(patient)
        if isinstance(value, Iterator):
            yield from json_stream_array(value)
        else:
            yield _encode(_materialize(value))
    yield "}"
