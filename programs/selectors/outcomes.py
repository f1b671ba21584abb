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
class ChartPoint:
    day: date
    value: Decimal
    x: float
    y: float
    change: Decimal | None  # from the first value
    meaningful: bool  # the change meets the MCID (points, or the relative threshold)
    improved: bool
    band: str = ""  # the ODI's disability band

    @property
    def change_text(self) -> str:
        """The change from the first answer in words: "3.0 points higher (better)"."""
        if self.change is None:
            return "first answer"
        if self.change == 0:
            return "no change"
        word = "higher" if self.change > 0 else "lower"
        return f"{abs(self.change)} points {word} ({'better' if self.improved else 'worse'})"


@dataclass
class ActivityChange:
    """One PSFS activity from the first answer to the latest (single-activity MCID: 3)."""

    activity: str
    first: int
    latest: int
    meaningful: bool

    @property
    def change(self) -> int:
        return self.latest - self.first

    @property
    def text(self) -> str:
        if not self.change:
            return f"{self.activity}: {self.first}/10, no change"
        word = "better" if self.change > 0 else "worse"
        tail = "; a meaningful change" if self.meaningful else ""
        return (
            f"{self.activity}: {self.first}/10 to {self.latest}/10, "
            f"{abs(self.change)} points {'higher' if self.change > 0 else 'lower'} ({word}){tail}"
        )


@dataclass
class Chart:
    measure: str
    title: str
    unit: str
    max_value: int
    mcid: outcomes_scoring.Mcid
    higher_is_better: bool = False
    points: list[ChartPoint] = field(default_factory=list)
    activities: list[ActivityChange] = field(default_factory=list)
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
    def direction(self) -> str:
        return "higher is better" if self.higher_is_better else "lower is better"

    @property
    def mcid_text(self) -> str:
        return str(self.mcid)

    @property
    def summary(self) -> str:
        if not self.points:
            return f"No {self.title.lower()} answers yet."
        first, last = self.points[0], self.points[-1]
        band = f" ({first.band})" if first.band else ""
        if len(self.points) == 1:
            return f"One answer so far: {first.value}{self.unit}{band} on {first.day.isoformat()}."
        if not last.change:
            return f"{len(self.points)} answers, no change from {first.value}{self.unit}."
        word = "a meaningful change" if last.meaningful else "less than a meaningful change"
        return (
            f"{len(self.points)} answers from {first.day.isoformat()} to {last.day.isoformat()}: "
            f"from {first.value}{self.unit} to {last.value}{self.unit}"
            f"{f' ({last.band})' if last.band else ''}, {last.change_text}; {word} "
            f"(the threshold is {self.mcid_text}; {self.direction})."
        )


def outcome_chart(*, measure: str, responses: list[OutcomeResponse]) -> Chart:
    """A server-drawn line chart; points whose change from the first answer meets the MCID
    are marked, green when better and red when worse. Lower is better for pain and ODI,
    higher for the PSFS (outcomes_scoring.HIGHER_IS_BETTER)."""
    config = {
        "nrs": ("Pain check-in", "/10", 10),
        "odi": ("Oswestry Disability Index", "%", 100),
        "psfs": ("Patient-Specific Functional Scale", "/10", 10),
    }
    title, unit, max_value = config[measure]
    mcid = outcomes_scoring.MCIDS[measure]
    chart = Chart(
        measure=measure,
        title=title,
        unit=unit,
        max_value=max_value,
        mcid=mcid,
        higher_is_better=outcomes_scoring.HIGHER_IS_BETTER[measure],
    )
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
                meaningful=change is not None and mcid.is_met(baseline=baseline, change=change),
                improved=change is not None and outcomes_scoring.is_better(measure, change),
                band=outcomes_scoring.odi_band(r.score).label if measure == "odi" else "",
            )
        )
    if measure == "psfs" and len(responses) > 1:
        chart.activities = psfs_activity_changes(first=responses[0], latest=responses[-1])
    return chart


def psfs_activity_changes(
    *, first: OutcomeResponse, latest: OutcomeResponse
) -> list[ActivityChange]:
    """Each baseline activity's rating then and now; 3 points on one activity is meaningful."""
    mcid = outcomes_scoring.MCIDS["psfs_activity"]
    now = {
        outcomes_scoring.psfs_activity_key(a["activity"]): a["rating"]
        for a in latest.answers.get("activities", [])
    }
    out = []
    for a in first.answers.get("activities", []):
        rating = now.get(outcomes_scoring.psfs_activity_key(a["activity"]))
        if rating is None:
            continue
        out.append(
            ActivityChange(
                activity=a["activity"],
                first=a["rating"],
                latest=rating,
                meaningful=mcid.is_met(
                    baseline=Decimal(a["rating"]), change=Decimal(rating - a["rating"])
                ),
            )
        )
    return out


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
