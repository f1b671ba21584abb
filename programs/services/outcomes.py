"""A patient answers an outcome measure: pain check-in, Oswestry (ODI) or PSFS."""

from typing import Any, cast

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from accounts.models import User
from programs import outcomes_scoring, sessions_schedule
from programs.models import OutcomeResponse
from programs.selectors.outcomes import psfs_baseline_activities
from therapy.errors import ApplicationError


def _psfs_check_same_activities(*, patient: User, activities: list[dict]) -> None:
    """A follow-up PSFS re-rates the baseline's activities, in the same order (Stratford 1995):
    the change in the mean means something only when the same activities are rated again."""
    baseline = psfs_baseline_activities(patient=patient)
    if baseline is None:
        return
    answered = [str(a.get("activity", "")) for a in activities]
    if not outcomes_scoring.psfs_same_activities(baseline, answered):
        raise ValidationError(
            {
                "activities": [
                    "Rate the same activities as in your first answers, in the same order: "
                    + "; ".join(baseline)
                    + ". The PSFS compares how each one changes over time."
                ]
            }
        )


@transaction.atomic
def outcome_record(*, patient: User, measure: str, answers: dict) -> OutcomeResponse:
    """Score and store one questionnaire. `answers` is {"pain": n} for the check-in,
    {"sections": {key: 0-5 or None}} for the ODI, {"activities": [{activity, rating}]} for PSFS.
    Bad input raises ValidationError naming the fields; nothing is saved."""
    if not patient.is_patient:
        raise ApplicationError("Only patients answer outcome measures.")
    # One answer at a time per patient: the PSFS baseline check reads what the last one saved.
    User.objects.select_for_update().filter(pk=patient.pk).first()
    if not isinstance(answers, dict):
        raise ValidationError({"answers": ["Send the answers as an object."]})
    if measure == OutcomeResponse.Measure.NRS:
        score = outcomes_scoring.nrs_score(answers.get("pain"))
        stored: dict = {"pain": int(score)}
    elif measure == OutcomeResponse.Measure.ODI:
        sections = answers.get("sections")
        if not isinstance(sections, dict):
            raise ValidationError({"sections": ["Send the sections as an object."]})
        score = outcomes_scoring.odi_score(sections)
        stored = {"sections": {key: sections.get(key) for key in outcomes_scoring.ODI_KEYS}}
    elif measure == OutcomeResponse.Measure.PSFS:
        activities = answers.get("activities")
        score = outcomes_scoring.psfs_score(activities)
        # psfs_score refused anything but a list of {activity, rating} objects.
        rows = cast(list[dict[str, Any]], activities)
        _psfs_check_same_activities(patient=patient, activities=rows)
        stored = {
            "activities": [{"activity": a["activity"].strip(), "rating": a["rating"]} for a in rows]
        }
    else:
        raise ValidationError({"measure": ["Choose nrs, odi or psfs."]})
    now = timezone.now()
    return OutcomeResponse.objects.create(
        patient=patient,
        measure=measure,
        answered_at=now,
        local_date=sessions_schedule.local_today(patient.patient_profile.time_zone, now),
        score=score,
        answers=stored,
    )
