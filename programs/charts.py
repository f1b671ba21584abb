"""The line charts, laid out on the server so that pages need no script to draw them: the
patient's pain over time (Progress) and the outcome measures (NRS, ODI, PSFS).

Both place a value on a day the same way (`_x_positions`, `_y_position`): days spread from
the left edge to the right one, a single day centred; 0 at the bottom, the scale's maximum at
the top."""

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import TYPE_CHECKING

from programs import outcomes_scoring

if TYPE_CHECKING:
    from programs.models import OutcomeResponse
    from programs.selectors.progress import PainPoint


def _x_positions(days: Sequence[date], *, left: float, plot_width: float) -> list[float]:
    """Each day's x: proportional to its distance from the first; a lone day in the middle."""
    if len(days) == 1:
        return [left + plot_width / 2]
    first = days[0]
    span = max(1, (days[-1] - first).days)
    return [left + plot_width * ((day - first).days / span) for day in days]


def _y_position(value: float, *, top: float, plot_height: float, max_value: float) -> float:
    return top + plot_height * (1 - value / max_value)


# The pain chart (Progress page) ---------------------------------------------------------------

WIDTH, HEIGHT = 640, 240
LEFT, RIGHT, TOP, BOTTOM = 40, 16, 16, 36


@dataclass(frozen=True)
class ChartDot:
    x: float
    y: float
    label: str


@dataclass(frozen=True)
class PainChart:
    width: int
    height: int
    points: str  # for <polyline points="...">
    dots: list[ChartDot]
    y_ticks: list[tuple[float, int]]  # (y, pain value)
    x_labels: list[tuple[float, str]]
    baseline_y: float
    left: int
    right_x: int
    description: str


def pain_chart(series: "list[PainPoint]") -> PainChart | None:
    """Average daily pain (0-10) against the days that have any; None when there is no data."""
    if not series:
        return None
    plot_w = WIDTH - LEFT - RIGHT
    plot_h = HEIGHT - TOP - BOTTOM
    first, last = series[0].day, series[-1].day

    def y_of(value: float) -> float:
        return round(_y_position(value, top=TOP, plot_height=plot_h, max_value=10), 1)

    xs = _x_positions([p.day for p in series], left=LEFT, plot_width=plot_w)
    dots = [
        ChartDot(round(x, 1), y_of(p.average), f"{p.day:%b %-d}: {p.average}")
        for x, p in zip(xs, series, strict=True)
    ]
    x_labels = [(dots[0].x, f"{first:%b %-d}")]
    if len(series) > 1:
        x_labels.append((dots[-1].x, f"{last:%b %-d}"))
    start, end = series[0].average, series[-1].average
    trend = "went down" if end < start else "went up" if end > start else "stayed the same"
    return PainChart(
        width=WIDTH,
        height=HEIGHT,
        points=" ".join(f"{d.x},{d.y}" for d in dots),
        dots=dots,
        y_ticks=[(y_of(v), v) for v in (0, 2, 4, 6, 8, 10)],
        x_labels=x_labels,
        baseline_y=y_of(0),
        left=LEFT,
        right_x=WIDTH - RIGHT,
        description=(
            f"Average pain on {len(series)} day{'s' if len(series) != 1 else ''} from "
            f"{first:%B %-d} to {last:%B %-d}: it {trend}, from {start} to {end} out of 10."
        ),
    )


# The outcome charts (outcome pages, the PT's patient page) ------------------------------------


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
        plot_h = self.height - self.top - self.bottom
        return _y_position(float(value), top=self.top, plot_height=plot_h, max_value=self.max_value)

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


_OUTCOME_SCALES: dict[str, tuple[str, str, int, Decimal]] = {
    "nrs": ("Pain check-in", "/10", 10, outcomes_scoring.MCID_NRS),
    "odi": ("Oswestry Disability Index", "%", 100, outcomes_scoring.MCID_ODI),
    "psfs": ("Patient-Specific Functional Scale", "/10", 10, outcomes_scoring.MCID_PSFS),
}


def outcome_chart(
    *, measure: str, responses: "list[OutcomeResponse]", lower_is_better: bool = True
) -> Chart:
    """A server-drawn line chart; points that differ from the first answer by at least the
    MCID are marked. Lower is better for pain and ODI."""
    title, unit, max_value, mcid = _OUTCOME_SCALES[measure]
    chart = Chart(measure=measure, title=title, unit=unit, max_value=max_value, mcid=mcid)
    if not responses:
        return chart
    plot_w = chart.width - chart.left - chart.right
    xs = _x_positions([r.local_date for r in responses], left=chart.left, plot_width=plot_w)
    baseline = responses[0].score
    for x, r in zip(xs, responses, strict=True):
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
