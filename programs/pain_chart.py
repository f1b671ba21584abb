"""The pain-over-time chart, laid out on the server so the page needs no script to draw it."""

from dataclasses import dataclass

from programs.selectors.progress import PainPoint

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


def pain_chart(series: list[PainPoint]) -> PainChart | None:
    """Average daily pain (0-10) against the days that have any; None when there is no data."""
    if not series:
        return None
    plot_w = WIDTH - LEFT - RIGHT
    plot_h = HEIGHT - TOP - BOTTOM
    first, last = series[0].day, series[-1].day
    span = max(1, (last - first).days)

    def x_of(day: object) -> float:
        return round(LEFT + plot_w * ((day - first).days / span), 1)  # type: ignore[operator]

    def y_of(value: float) -> float:
        return round(TOP + plot_h * (1 - value / 10), 1)

    dots = [ChartDot(x_of(p.day), y_of(p.average), f"{p.day:%b %-d}: {p.average}") for p in series]
    if len(series) == 1:  # a single day: centre it rather than pinning it to the edge
        dots = [ChartDot(LEFT + plot_w / 2, dots[0].y, dots[0].label)]
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
