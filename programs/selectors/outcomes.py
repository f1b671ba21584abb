"""Reads of outcome measures: history, what is due, the overview page (charts: programs.charts)."""

from dataclasses import dataclass

from django.db.models import (
    Max,
)

from accounts.models import User
from accounts.selectors import patient_get_for_user
from programs import outcomes_scoring, sessions_schedule
from programs.charts import Chart, outcome_chart
from programs.models import OutcomeResponse


def outcome_history(*, patient: User) -> dict[str, list[OutcomeResponse]]:
    out: dict[str, list[OutcomeResponse]] = {m: [] for m in OutcomeResponse.Measure.values}
    for response in OutcomeResponse.objects.filter(patient=patient).order_by("answered_at"):
        out[response.measure].append(response)
    return out


def outcomes_due_for(*, patient: User) -> list[outcomes_scoring.Due]:
    today = sessions_schedule.local_today(patient.patient_profile.time_zone)
    last = dict(
        OutcomeResponse.objects.filter(patient=patient)
        .values("measure")
        .annotate(last=Max("local_date"))
        .values_list("measure", "last")
    )
    return outcomes_scoring.measures_due(today=today, last_answered=last)


def psfs_baseline_activities(*, patient: User) -> list[str] | None:
    """The activities of the patient's first PSFS, which every follow-up re-rates; None
    before the first one."""
    first = (
        OutcomeResponse.objects.filter(patient=patient, measure=OutcomeResponse.Measure.PSFS)
        .order_by("answered_at", "pk")
        .values_list("answers", flat=True)
        .first()
    )
    if first is None:
        return None
    return [str(a["activity"]) for a in first.get("activities", [])]


@dataclass
class OutcomeOverview:
    due: list[outcomes_scoring.Due]
    history: dict[str, list[OutcomeResponse]]
    pain_chart: Chart
    odi_chart: Chart
    psfs_chart: Chart


def outcome_overview(*, user: User, patient_id: int) -> OutcomeOverview:
    patient = patient_get_for_user(user=user, patient_id=patient_id)
    history = outcome_history(patient=patient)
    return OutcomeOverview(
        due=outcomes_due_for(patient=patient),
        history=history,
        pain_chart=outcome_chart(measure="nrs", responses=history["nrs"]),
        odi_chart=outcome_chart(measure="odi", responses=history["odi"]),
        psfs_chart=outcome_chart(measure="psfs", responses=history["psfs"]),
    )
