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


# Names people know for the zones most of our members live in; any other zone is named after its
# city ("Kiritimati time"). The IANA key ("America/New_York") is for machines, not people.
_ZONE_NAMES = {
    "America/New_York": "Eastern Time",
    "America/Detroit": "Eastern Time",
    "America/Chicago": "Central Time",
    "America/Denver": "Mountain Time",
    "America/Boise": "Mountain Time",
    "America/Phoenix": "Arizona Time",
    "America/Los_Angeles": "Pacific Time",
    "America/Anchorage": "Alaska Time",
    "Pacific/Honolulu": "Hawaii Time",
    "America/Puerto_Rico": "Atlantic Time",
    "Europe/London": "UK time",
    "UTC": "Coordinated Universal Time",
}


def _zone(zone: str | None) -> zoneinfo.ZoneInfo:
    try:
        return zoneinfo.ZoneInfo(zone or "UTC")
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        return zoneinfo.ZoneInfo("UTC")


def zone_label(zone: str | None, at: datetime | None = None) -> str:
    """A zone as a person says it, with its abbreviation now (or at `at`): "Eastern Time (EST)"."""
    tz = _zone(zone)
    name = _ZONE_NAMES.get(tz.key) or f"{tz.key.rpartition('/')[2].replace('_', ' ')} time"
    abbreviation = (at or timezone.now()).astimezone(tz).tzname() or ""
    # Zones with no letters of their own abbreviate as "+14": the name alone reads better.
    if not abbreviation or abbreviation[0] in "+-" or abbreviation == name:
        return name
    return f"{name} ({abbreviation})"


def when_short(value: datetime | None, zone: str | None = None) -> str:
    """A moment as people write it: "Tue 3 Dec, 7:30 am EST" (the year only when not this
    year's)."""
    if value is None:
        return ""
    tz = _zone(zone)
    if timezone.is_naive(value):
        value = timezone.make_aware(value, zoneinfo.ZoneInfo("UTC"))
    local = value.astimezone(tz)
    year = "" if local.year == timezone.now().astimezone(tz).year else f" {local.year}"
    return f"{local:%a} {local.day} {local:%b}{year}, {clock(local)} {local.tzname()}"


def clock(local: datetime) -> str:
    """The time of day as people say it: "7:30 am", "12:00 pm"."""
    return f"{local.hour % 12 or 12}:{local:%M} {'am' if local.hour < 12 else 'pm'}"


@register.filter(name="zone_label")
def zone_label_filter(zone: str | None) -> str:
    return zone_label(zone)


@register.filter(name="when_short")
def when_short_filter(value: datetime | None, zone: str | None = None) -> str:
    return when_short(value, zone)
