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

# Drawn at about a phone's width, so that one unit is about one CSS pixel at 390 px and the
# 14-unit labels stay at least 12 px there (the page caps the chart's width on a desktop).
WIDTH, HEIGHT = 400, 220
LEFT, RIGHT, TOP, BOTTOM = 30, 12, 12, 34
FONT_SIZE = 14


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
    x_labels: list[tuple[float, str, str]]  # (x, label, text-anchor)
    baseline_y: float
    font_size: int
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
        ChartDot(round(x, 1), y_of(p.average), f"{p.day:%a %-d %b}: {p.average}")
        for x, p in zip(xs, series, strict=True)
    ]
    # The first label starts at its day and the last one ends at its day, so neither is cut
    # off at the chart's edges; a lone day is centred.
    if len(series) == 1:
        x_labels = [(dots[0].x, f"{first:%a %-d %b}", "middle")]
    else:
        x_labels = [(dots[0].x, f"{first:%-d %b}", "start"), (dots[-1].x, f"{last:%-d %b}", "end")]
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
        font_size=FONT_SIZE,
        left=LEFT,
        right_x=WIDTH - RIGHT,
        description=(
            f"Average pain on {len(series)} day{'s' if len(series) != 1 else ''} from "
            f"{first:%-d %B} to {last:%-d %B}: it {trend}, from {start} to {end} out of 10."
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
        plot_h = self.height - self.top - self.bottom
        return _y_position(float(value), top=self.top, plot_height=plot_h, max_value=self.max_value)

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


def outcome_chart(*, measure: str, responses: "list[OutcomeResponse]") -> Chart:
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
                meaningful=change is not None and mcid.is_met(baseline=baseline, change=change),
                improved=change is not None and outcomes_scoring.is_better(measure, change),
                band=outcomes_scoring.odi_band(r.score).label if measure == "odi" else "",
            )
        )
    if measure == "psfs" and len(responses) > 1:
        chart.activities = psfs_activity_changes(first=responses[0], latest=responses[-1])
    return chart


def psfs_activity_changes(
    *, first: "OutcomeResponse", latest: "OutcomeResponse"
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
