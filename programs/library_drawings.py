"""The exercise library's drawings: each exercise's start and end positions side by side, as
line art from one set of rules (stroke, palette from static/css/design.css, floor, labels).

The SVG files in static/img/exercises/ are written from here by
`python -m programs.library_drawings`, and tests/programs/library/test_library_drawings.py
fails when a file differs from what this module draws, so they stay one consistent set.

A pose is a few joints in one panel (150 x 140, the floor at y = 124). "near" limbs are drawn
in ink and "far" limbs in a lighter grey, so that depth reads without shading."""

from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

INK = "#17212b"  # --ink
FAR = "#8795a1"  # --line-strong
FLOOR = "#c9d1d9"  # --line
MUTED = "#4a5560"  # --muted
BRAND = "#0b5c7a"  # --brand
PANEL_W, HEIGHT, FLOOR_Y = 150, 140, 124
STROKE = 5

Point = tuple[float, float]


@dataclass(frozen=True)
class Pose:
    head: Point
    torso: Sequence[Point]  # neck to hip; three points draw a curved back (cat-cow)
    near: Sequence[Sequence[Point]] = field(default_factory=list)  # limbs nearest the viewer
    far: Sequence[Sequence[Point]] = field(default_factory=list)
    wall: bool = False


@dataclass(frozen=True)
class Drawing:
    title: str  # the file's own <title>; the page's alt text is the exercise's illustration_alt
    start: Pose
    end: Pose


def _path(points: Sequence[Point]) -> str:
    return " ".join(f"{x:g},{y:g}" for x, y in points)


def _pose(pose: Pose, dx: float) -> list[str]:
    def shift(points: Sequence[Point]) -> list[Point]:
        return [(x + dx, y) for x, y in points]

    out = []
    if pose.wall:
        out.append(
            f'<line x1="{8 + dx:g}" y1="26" x2="{8 + dx:g}" y2="{FLOOR_Y}" stroke="{FLOOR}" '
            'stroke-width="4"/>'
        )
    for limb in pose.far:
        out.append(f'<polyline points="{_path(shift(limb))}" stroke="{FAR}"/>')
    torso = shift(pose.torso)
    if len(torso) == 3:
        (x1, y1), (cx, cy), (x2, y2) = torso
        out.append(f'<path d="M{x1:g},{y1:g} Q{cx:g},{cy:g} {x2:g},{y2:g}" stroke="{INK}"/>')
    else:
        out.append(f'<polyline points="{_path(torso)}" stroke="{INK}"/>')
    for limb in pose.near:
        out.append(f'<polyline points="{_path(shift(limb))}" stroke="{INK}"/>')
    hx, hy = pose.head
    out.append(f'<circle cx="{hx + dx:g}" cy="{hy:g}" r="9" fill="#fff" stroke="{INK}"/>')
    return out


def draw(drawing: Drawing) -> str:
    width = 2 * PANEL_W + 20
    mid = PANEL_W + 10
    lines = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {HEIGHT}" '
        f'width="{width}" height="{HEIGHT}" role="img" aria-labelledby="title">',
        f'<title id="title">{drawing.title}</title>',
        f'<g font-family="system-ui, sans-serif" font-size="13" font-weight="600" fill="{MUTED}">'
        f'<text x="8" y="16">Start</text><text x="{PANEL_W + 28}" y="16">End</text></g>',
        f'<line x1="4" y1="{FLOOR_Y + 2}" x2="{width - 4}" y2="{FLOOR_Y + 2}" stroke="{FLOOR}" '
        'stroke-width="3" stroke-linecap="round"/>',
        f'<path d="M{mid - 8},34 h14 m-5,-5 l5,5 l-5,5" fill="none" stroke="{BRAND}" '
        'stroke-width="3" stroke-linecap="round" stroke-linejoin="round"/>',
        f'<g fill="none" stroke-width="{STROKE}" stroke-linecap="round" stroke-linejoin="round">',
        *_pose(drawing.start, 0),
        *_pose(drawing.end, PANEL_W + 20),
        "</g>",
        "</svg>",
    ]
    return "\n".join(lines) + "\n"


# Lying on the back, head to the left: shoulder (34, 117), hip (82, 118).
_BACK = [(34, 117), (82, 118)]
_HEAD_BACK = (20, 113)
_ARM_FLOOR = [(34, 117), (70, 121)]
_BENT = [(82, 118), (106, 94), (124, 121)]  # knee bent, foot flat

DRAWINGS: dict[str, Drawing] = {
    "glute-bridge": Drawing(
        "Start: lying on the back, knees bent, feet flat. End: hips lifted in a straight line "
        "from shoulders to knees.",
        Pose(_HEAD_BACK, _BACK, near=[_ARM_FLOOR, _BENT], far=[]),
        Pose(
            _HEAD_BACK,
            [(34, 117), (84, 96)],
            near=[_ARM_FLOOR, [(84, 96), (110, 86), (124, 121)]],
        ),
    ),
    "single-leg-glute-bridge": Drawing(
        "Start: lying on the back, knees bent, one leg held straight. End: hips lifted on the "
        "bent leg, the straight leg in line with the thigh.",
        Pose(
            _HEAD_BACK,
            _BACK,
            near=[_ARM_FLOOR, [(82, 118), (108, 100), (136, 84)]],
            far=[_BENT],
        ),
        Pose(
            _HEAD_BACK,
            [(34, 117), (84, 96)],
            near=[_ARM_FLOOR, [(84, 96), (110, 86), (140, 76)]],
            far=[[(84, 96), (110, 86), (124, 121)]],
        ),
    ),
    "straight-leg-raise": Drawing(
        "Start: lying on the back, one knee bent, the other leg straight on the floor. End: "
        "the straight leg lifted to the height of the bent knee.",
        Pose(
            _HEAD_BACK, _BACK, near=[_ARM_FLOOR, [(82, 118), (112, 119), (142, 119)]], far=[_BENT]
        ),
        Pose(_HEAD_BACK, _BACK, near=[_ARM_FLOOR, [(82, 118), (110, 106), (138, 94)]], far=[_BENT]),
    ),
    "supine-march": Drawing(
        "Start: lying on the back, knees bent, feet flat. End: one foot lifted a little off "
        "the floor, knee still bent.",
        Pose(_HEAD_BACK, _BACK, near=[_ARM_FLOOR, _BENT], far=[[(82, 118), (104, 95), (122, 121)]]),
        Pose(
            _HEAD_BACK,
            _BACK,
            near=[_ARM_FLOOR, [(82, 118), (98, 88), (120, 104)]],
            far=[[(82, 118), (104, 95), (122, 121)]],
        ),
    ),
    "dead-bug": Drawing(
        "Start: lying on the back, arms reaching to the ceiling, hips and knees bent at right "
        "angles. End: one arm reaching overhead and the opposite leg stretched out, both just "
        "above the floor.",
        Pose(
            _HEAD_BACK,
            _BACK,
            near=[[(34, 117), (36, 76)], [(82, 118), (82, 88), (110, 88)]],
            far=[[(34, 117), (40, 77)], [(82, 118), (86, 88), (114, 88)]],
        ),
        Pose(
            _HEAD_BACK,
            _BACK,
            near=[[(34, 117), (4, 108)], [(82, 118), (82, 88), (110, 88)]],
            far=[[(34, 117), (40, 77)], [(82, 118), (112, 110), (142, 112)]],
        ),
    ),
    "figure-4-stretch": Drawing(
        "Start: lying on the back, knees bent, one ankle crossed over the other knee. End: "
        "hands pull the lower thigh toward the chest, stretching the crossed leg's hip.",
        Pose(
            _HEAD_BACK,
            _BACK,
            near=[_ARM_FLOOR, [(82, 118), (100, 74), (104, 96)]],
            far=[_BENT],
        ),
        Pose(
            _HEAD_BACK,
            _BACK,
            near=[[(34, 117), (56, 96), (76, 84)], [(82, 118), (98, 64), (84, 80)]],
            far=[[(82, 118), (80, 84), (108, 74)]],
        ),
    ),
    "cat-cow": Drawing(
        "Start: on hands and knees, back gently dipped and head up. End: back rounded up "
        "toward the ceiling and head down.",
        Pose(
            (18, 66),
            [(30, 82), (66, 98), (102, 84)],
            near=[[(30, 82), (30, 122)], [(102, 84), (102, 122), (136, 122)]],
            far=[[(36, 82), (38, 122)], [(108, 84), (108, 122), (140, 122)]],
        ),
        Pose(
            (22, 96),
            [(30, 84), (66, 58), (102, 84)],
            near=[[(30, 84), (30, 122)], [(102, 84), (102, 122), (136, 122)]],
            far=[[(36, 84), (38, 122)], [(108, 84), (108, 122), (140, 122)]],
        ),
    ),
    "side-lying-clam": Drawing(
        "Start: lying on one side, head on the lower arm, hips and knees bent, knees together. "
        "End: the top knee opened up toward the ceiling, feet still together.",
        Pose(
            (20, 104),
            [(36, 112), (84, 114)],
            near=[[(84, 112), (112, 102), (132, 118)], [(36, 112), (14, 118)]],
            far=[[(84, 118), (112, 108), (132, 120)]],
        ),
        Pose(
            (20, 104),
            [(36, 112), (84, 114)],
            near=[[(84, 112), (104, 76), (132, 116)], [(36, 112), (14, 118)]],
            far=[[(84, 118), (112, 108), (132, 120)]],
        ),
    ),
    "standing-hip-flexor-stretch": Drawing(
        "Start: standing tall beside a wall, one hand on it. End: a short lunge, the back "
        "heel up, hips pushed forward to stretch the front of the back hip.",
        Pose(
            (44, 24),
            [(44, 36), (44, 76)],
            near=[[(44, 40), (26, 48), (10, 50)], [(44, 76), (46, 100), (44, 122)]],
            far=[[(44, 76), (42, 100), (40, 122)]],
            wall=True,
        ),
        Pose(
            (52, 26),
            [(52, 38), (54, 80)],
            near=[[(52, 42), (30, 50), (10, 52)], [(54, 80), (36, 100), (34, 122)]],
            far=[[(54, 80), (76, 102), (96, 118), (100, 122)]],
            wall=True,
        ),
    ),
    "half-kneeling-hip-flexor-stretch": Drawing(
        "Start: kneeling on one knee, the other foot flat in front, body upright, hands on "
        "hips. End: hips pushed gently forward, body still upright.",
        Pose(
            (44, 30),
            [(44, 42), (44, 86)],
            near=[[(44, 46), (34, 66), (44, 82)], [(44, 86), (82, 86), (82, 122)]],
            far=[[(44, 86), (44, 122), (16, 122)]],
        ),
        Pose(
            (58, 32),
            [(58, 44), (58, 88)],
            near=[[(58, 48), (48, 68), (58, 84)], [(58, 88), (92, 90), (84, 122)]],
            far=[[(58, 88), (42, 122), (16, 122)]],
        ),
    ),
}

FOLDER = Path(__file__).resolve().parents[1] / "static" / "img" / "exercises"


def write_all() -> list[Path]:
    written = []
    for slug, drawing in DRAWINGS.items():
        path = FOLDER / f"{slug}.svg"
        path.write_text(draw(drawing))
        written.append(path)
    return written


if __name__ == "__main__":
    for path in write_all():
        print(path)
