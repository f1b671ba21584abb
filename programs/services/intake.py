"""The intake a new patient answers. Any red flag opens an urgent alert for their PT."""

from django.db import transaction

from accounts.models import User
from programs.models import RED_FLAG_FIELDS, Intake
from programs.services.alerts import alert_raise_red_flag
from therapy.errors import ApplicationError


@transaction.atomic
def intake_submit(
    *,
    patient: User,
    pain_areas: list[str],
    pain_now: int,
    goals: str = "",
    hard_activities: list[str] | None = None,
    red_flags: dict[str, bool] | None = None,
) -> Intake:
    """Record a new patient's intake. Any red flag opens an urgent alert for their PT."""
    if not patient.is_patient:
        raise ApplicationError("Only patients answer the intake.")
    errors: dict[str, list[str]] = {}
    valid_areas = set(Intake.Area.values)
    if not pain_areas or set(pain_areas) - valid_areas:
        errors["pain_areas"] = ["Choose where it hurts."]
    if not 0 <= pain_now <= 10:
        errors["pain_now"] = ["Pain is a number from 0 to 10."]
    flags = {name: bool((red_flags or {}).get(name, False)) for name in RED_FLAG_FIELDS}
    unknown = set(red_flags or {}) - set(RED_FLAG_FIELDS)
    if unknown:
        errors["red_flags"] = [f"Unknown questions: {', '.join(sorted(unknown))}."]
    if errors:
        raise ApplicationError("Some answers are missing or not valid.", errors=errors)
    activities = [a.strip()[:200] for a in (hard_activities or []) if a.strip()]
    intake = Intake.objects.create(
        patient=patient,
        pain_areas=sorted(set(pain_areas)),
        pain_now=pain_now,
        goals=goals.strip(),
        hard_activities=activities,
        has_red_flags=any(flags.values()),
        **flags,
    )
    if intake.has_red_flags:
        # An urgent alert for the PT, in the same transaction; the email goes after commit.
        alert_raise_red_flag(patient_id=patient.pk, source="intake")
    return intake
