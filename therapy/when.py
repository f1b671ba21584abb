"""The one date/time formatter for people: a moment shown in the viewer's time zone, with the
zone's abbreviation ("Sun 29 Nov 2026, 09:15 EST"). Used from Python (`when_text`) and from
templates (`{{ note.signed_at|when:viewer_zone }}`; registered as a template builtin, and
`viewer_zone` is in every template's context through therapy.context_processors.viewer).

The viewer's zone is their profile's (patients and PTs), else UTC. A patient's profile zone is
the one source of truth for their times: set at enrolment from the browser (falling back to
their state's zone) and changeable on the profile page."""

import zoneinfo
from datetime import datetime
from typing import Any

from django import template
from django.utils import timezone

register = template.Library()


def viewer_time_zone(user: Any) -> str:
    """The zone a person reads times in: their profile's, else UTC."""
    if not getattr(user, "is_authenticated", False):
        return "UTC"
    role = getattr(user, "role", "")
    profile_attr = {"patient": "patient_profile", "therapist": "therapist_profile"}.get(role)
    profile = getattr(user, profile_attr, None) if profile_attr else None
    return getattr(profile, "time_zone", None) or "UTC"


def when_text(value: datetime | None, zone: str | None = None) -> str:
    """`value` in `zone` for a person to read, with the zone's abbreviation; "" for None."""
    if value is None:
        return ""
    try:
        tz = zoneinfo.ZoneInfo(zone or "UTC")
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        tz = zoneinfo.ZoneInfo("UTC")
    if timezone.is_naive(value):
        value = timezone.make_aware(value, zoneinfo.ZoneInfo("UTC"))
    local = value.astimezone(tz)
    return f"{local:%a} {local.day} {local:%b %Y, %H:%M} {local.tzname()}"


@register.filter(name="when")
def when_filter(value: datetime | None, zone: str | None = None) -> str:
    return when_text(value, zone)
