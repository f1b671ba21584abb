import zoneinfo
from datetime import datetime, time

import pytest
from django.utils import timezone

from programs.models import ReminderSchedule, ReminderSettings
from programs.services.reminders import ReminderChoices, reminder_settings_update


def choose(
    patient,
    *,
    times: tuple[str, ...] = ("08:00",),
    tz: str = "America/New_York",
    channel: str = "email",
    now: datetime | None = None,
    **extra,
) -> ReminderSettings:
    """Save reminder settings for `patient` the way the page and the API do."""
    return reminder_settings_update(
        patient=patient,
        choices=ReminderChoices(
            enabled=extra.pop("enabled", True),
            weekdays=extra.pop("weekdays", list(range(7))),
            times=[time.fromisoformat(t) for t in times],
            time_zone=tz,
            channel=channel,
            **extra,
        ),
        now=now,
    )


def make_due(patient, *, at: datetime | None = None) -> None:
    """Make every schedule row of `patient` due at `at` (default: now)."""
    at = at or timezone.now()
    for row in ReminderSchedule.objects.filter(patient=patient):
        row.next_due_at = at
        row.next_local_date = at.astimezone(zoneinfo.ZoneInfo(row.time_zone)).date()
        row.save(update_fields=["next_due_at", "next_local_date"])


@pytest.fixture
def reminded(patient, plan):
    """The cast's patient, on the psoas plan, with an 08:00 email reminder every day."""
    choose(patient)
    return patient
