"""Reads of outcome measures: history, what is due, charts, the overview page."""

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from django.db.models import (
    Max,
)

from accounts.models import User
from accounts.selectors import patient_get_for_user
from programs import outcomes_scoring, sessions_schedule
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


@dataclass
class ChartPoint:
    day: date
    value: Decimal
    x: float
    y: float
    change: Decimal | None  # from the first value
    meaningful: bool  # |change| >= MCID
    improved: bool


@dataclass
class Chart:
    measure: str
    title: str
    unit: str
    max_value: int
    mcid: Decimal
    points: list[ChartPoint] = field(default_factory=list)
    width: int = 600
    height: int = 240
    left: int = 44
    right: int = 16
    top: int = 16
    bottom: int = 36

    @property
    def polyline(self) -> str:
        return " ".join(f"{p.x:.1f},{p.y:.1f}" for p in self.points)

    @property
    def gridlines(self) -> list[tuple[int, float]]:
        step = self.max_value // 5 or 1
        return [(v, self._y(Decimal(v))) for v in range(0, self.max_value + 1, step)]

    @property
    def x_end(self) -> int:
        return self.width - self.right

    def _y(self, value: Decimal) -> float:
        span = self.height - self.top - self.bottom
        return self.top + span * (1 - float(value) / self.max_value)

    @property
    def summary(self) -> str:
        if not self.points:
            return f"No {self.title.lower()} answers yet."
        first, last = self.points[0], self.points[-1]
        if len(self.points) == 1:
            return f"One answer so far: {first.value}{self.unit} on {first.day.isoformat()}."
        change = last.value - first.value
        word = "meaningful " if last.meaningful else ""
        direction = "lower (better)" if change < 0 else "higher (worse)" if change > 0 else "same"
        return (
            f"{len(self.points)} answers from {first.day.isoformat()} to {last.day.isoformat()}: "
            f"from {first.value}{self.unit} to {last.value}{self.unit}, "
            f"{abs(change)} points {direction}; a {word}change "
            f"(the threshold for a meaningful change is {self.mcid} points)."
            if change
            else f"{len(self.points)} answers, no change from {first.value}{self.unit}."
        )


def outcome_chart(
    *, measure: str, responses: list[OutcomeResponse], lower_is_better: bool = True
) -> Chart:
    """A server-drawn line chart; points that differ from the first answer by at least the
    MCID are marked. Lower is better for pain and ODI."""
    config = {
        "nrs": ("Pain check-in", "/10", 10, outcomes_scoring.MCID_NRS),
        "odi": ("Oswestry Disability Index", "%", 100, outcomes_scoring.MCID_ODI),
        "psfs": ("Patient-Specific Functional Scale", "/10", 10, outcomes_scoring.MCID_PSFS),
    }
    title, unit, max_value, mcid = config[measure]
    chart = Chart(measure=measure, title=title, unit=unit, max_value=max_value, mcid=mcid)
    if not responses:
        return chart
    first_day = responses[0].local_date
    span_days = max(1, (responses[-1].local_date - first_day).days)
    plot_w = chart.width - chart.left - chart.right
    baseline = responses[0].score
    for r in responses:
        x = chart.left + (plot_w * (r.local_date - first_day).days / span_days if span_days else 0)
        if len(responses) == 1:
            x = chart.left + plot_w / 2
        change = r.score - baseline if r is not responses[0] else None
        chart.points.append(
            ChartPoint(
                day=r.local_date,
                value=r.score,
                x=x,
                y=chart._y(r.score),
                change=change,
                meaningful=change is not None and abs(change) >= mcid,
                improved=change is not None and ((change < 0) == lower_is_better) and change != 0,
            )
        )
    return chart


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
        psfs_chart=outcome_chart(measure="psfs", responses=history["psfs"], lower_is_better=False),
    )
