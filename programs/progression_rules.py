"""Symptom-gated progression: the pure rules (docs/progression.md).

No database, no clock: the selectors gather one plan item's window of completions into an
`ItemWindow`, `decide` says advance, hold or regress and why, and `next_step` says what one step
of that direction is. The simulation (bench/bench_progression.py) and the tests drive these same
functions, so what is measured is what runs.
"""

from dataclasses import dataclass, replace
from enum import StrEnum

WINDOW_DAYS = 14
# Pain-monitoring model (Silbernagel et al. 2007): pain up to 5/10 during exercise is acceptable.
PAIN_CEILING = 5
MIN_COMPLETIONS = 6  # fewer completions in the window than this: too few data to advance
MIN_ADHERENCE = 0.8
EASY_SHARE = 2 / 3  # "too easy" or "about right" in at least two thirds of the completions
# The ladder's bounds: one step is +1 set, +2 reps or +10 s of hold, never past these.
MAX_SETS_STEP = 3
MAX_REPS_STEP = 15
MAX_HOLD_STEP = 60
REPS_STEP = 2
HOLD_STEP = 10

TOO_EASY = "too_easy"
ABOUT_RIGHT = "about_right"
TOO_HARD = "too_hard"


class Decision(StrEnum):
    ADVANCE = "advance"
    HOLD = "hold"
    REGRESS = "regress"


@dataclass(frozen=True)
class Reading:
    """One completion: pain 0-10 during the exercise and how it felt."""

    pain: int
    feel: str


@dataclass(frozen=True)
class ItemWindow:
    """One plan item over the window: what was prescribed, what was done and felt."""

    prescribed: int  # scheduled exercise-days of the item in the window
    completed: int  # days done, capped at prescribed (the product's adherence rule)
    readings: tuple[Reading, ...]  # oldest first
    baseline_pain: int  # the patient's usual pain on this exercise (median of the first three)


@dataclass(frozen=True)
class Verdict:
    decision: Decision
    reason: str  # for the PT: the numbers
    patient_reason: str  # for the patient: plain words
    inputs: dict[str, object]


def _summary(window: ItemWindow) -> dict[str, object]:
    pains = [r.pain for r in window.readings]
    return {
        "prescribed": window.prescribed,
        "completed": window.completed,
        "readings": len(window.readings),
        "pain_min": min(pains) if pains else None,
        "pain_max": max(pains) if pains else None,
        "baseline_pain": window.baseline_pain,
        "easy_or_right": sum(r.feel in (TOO_EASY, ABOUT_RIGHT) for r in window.readings),
        "too_hard": sum(r.feel == TOO_HARD for r in window.readings),
        "over_ceiling": sum(p > PAIN_CEILING for p in pains),
        "recent_pain": _recent_pain(window),
        "pain_earlier_half": _mean(pains[: len(pains) // 2]),
        "pain_later_half": _mean(pains[len(pains) // 2 :]),
        "pain_ceiling": PAIN_CEILING,
        "window_days": WINDOW_DAYS,
    }


def _mean(values: list[int]) -> float | None:
    return round(sum(values) / len(values), 1) if values else None


def _recent_pain(window: ItemWindow) -> float | None:
    """Mean pain of the last three completions: a rise shows here first."""
    last = [r.pain for r in window.readings[-3:]]
    return round(sum(last) / len(last), 1) if last else None


def decide(window: ItemWindow) -> Verdict:
    """Advance, hold or regress one plan item. Regress is checked first: when the data both
    qualify and alarm, the safer answer wins."""
    s = _summary(window)
    n = len(window.readings)
    pain_text = f"pain {s['pain_min']}-{s['pain_max']} (baseline {window.baseline_pain})"
    done_text = f"{window.completed} of {window.prescribed} sessions done"
    recent = s["recent_pain"]
    if n >= 2 and isinstance(recent, float) and recent >= window.baseline_pain + 2:
        return Verdict(
            Decision.REGRESS,
            f"recent pain {recent} is 2 or more above baseline {window.baseline_pain}",
            "your pain during this exercise has gone up, so we are making it a little easier",
            s,
        )
    if s["over_ceiling"] >= 2:  # type: ignore[operator]
        return Verdict(
            Decision.REGRESS,
            f"pain above {PAIN_CEILING}/10 in {s['over_ceiling']} of {n} sessions",
            "this exercise hurt more than it should a few times, so we are making it easier",
            s,
        )
    if n >= 2 and s["too_hard"] > n / 2:  # type: ignore[operator]
        return Verdict(
            Decision.REGRESS,
            f"felt too hard {s['too_hard']} of {n} times",
            "you told us this exercise felt too hard most times, so we are making it easier",
            s,
        )
    if n < MIN_COMPLETIONS or window.prescribed == 0:
        return Verdict(
            Decision.HOLD,
            f"too few data: {n} completions in {WINDOW_DAYS} days (need {MIN_COMPLETIONS})",
            "we need a few more sessions before changing this exercise",
            s,
        )
    adherence = window.completed / window.prescribed
    easy = s["easy_or_right"]
    checks = {
        f"{done_text} (need 80%)": adherence >= MIN_ADHERENCE,
        f"{pain_text} (need at most {PAIN_CEILING} and baseline + 1)": (
            s["pain_max"] <= min(PAIN_CEILING, window.baseline_pain + 1)  # type: ignore[operator]
        ),
        # Silbernagel 2007: pain must not increase from week to week. A baseline taken while
        # pain was already climbing would hide a flare; the trend does not.
        f"pain {s['pain_earlier_half']} then {s['pain_later_half']} (need no rise)": (
            s["pain_later_half"] <= s["pain_earlier_half"]  # type: ignore[operator]
        ),
        f"felt easy or about right {easy} of {n} times (need two thirds)": (
            easy >= EASY_SHARE * n  # type: ignore[operator]
        ),
    }
    if all(checks.values()):
        return Verdict(
            Decision.ADVANCE,
            f"{done_text}, {pain_text}, felt easy or about right {easy} of {n} times",
            f"you did {window.completed} of {window.prescribed} sessions, your pain stayed low "
            "and it felt manageable, so you are ready for a small step up",
            s,
        )
    missing = "; ".join(text for text, met in checks.items() if not met)
    return Verdict(
        Decision.HOLD,
        f"mixed: {missing}",
        "we are keeping this exercise as it is for now",
        s,
    )


@dataclass(frozen=True)
class Dose:
    """An item's exercise and dosage; the ladder moves it one step at a time."""

    exercise_id: int
    sets: int
    reps: int | None
    hold_seconds: int | None


@dataclass(frozen=True)
class Variant:
    """The easier or harder exercise of the chain, at its library default dosage."""

    exercise_id: int
    sets: int
    reps: int | None
    hold_seconds: int | None

    def dose(self) -> Dose:
        return Dose(self.exercise_id, self.sets, self.reps, self.hold_seconds)


@dataclass(frozen=True)
class Ladder:
    """Where an item may go: its exercise's library default (the floor of its own dosage) and
    the chain's next and previous exercises."""

    default: Dose
    harder: Variant | None
    easier: Variant | None


def next_step(*, dose: Dose, ladder: Ladder, decision: Decision) -> Dose | None:
    """One step in the decision's direction, or None when there is none (top or bottom of the
    chain, or hold). Advance: +1 set up to 3, then +2 reps up to 15 (+10 s hold up to 60 s),
    then the next exercise of the chain. Regress: the reverse."""
    if decision == Decision.ADVANCE:
        if dose.sets < MAX_SETS_STEP:
            return replace(dose, sets=dose.sets + 1)
        if dose.reps is not None and dose.reps < MAX_REPS_STEP:
            return replace(dose, reps=min(dose.reps + REPS_STEP, MAX_REPS_STEP))
        if dose.hold_seconds is not None and dose.hold_seconds < MAX_HOLD_STEP:
            return replace(dose, hold_seconds=min(dose.hold_seconds + HOLD_STEP, MAX_HOLD_STEP))
        return ladder.harder.dose() if ladder.harder else None
    if decision == Decision.REGRESS:
        floor = ladder.default
        if dose.reps is not None and floor.reps is not None and dose.reps > floor.reps:
            return replace(dose, reps=max(dose.reps - REPS_STEP, floor.reps))
        if (
            dose.hold_seconds is not None
            and floor.hold_seconds is not None
            and dose.hold_seconds > floor.hold_seconds
        ):
            return replace(
                dose, hold_seconds=max(dose.hold_seconds - HOLD_STEP, floor.hold_seconds)
            )
        if dose.sets > max(floor.sets, 1):
            return replace(dose, sets=dose.sets - 1)
        if ladder.easier:
            return ladder.easier.dose()
        if dose.sets > 1:
            return replace(dose, sets=dose.sets - 1)
        return None
    return None


def steps_between(*, before: Dose, after: Dose, ladder: Ladder) -> int:
    """How many ladder steps `after` is from `before` (0 when equal; 99 when not reachable
    within three steps either way). The one-step rail and the simulation check it."""
    if before == after:
        return 0
    for decision in (Decision.ADVANCE, Decision.REGRESS):
        dose: Dose | None = before
        for count in (1, 2, 3):
            dose = next_step(dose=dose, ladder=ladder, decision=decision) if dose else None
            if dose == after:
                return count
    return 99


def baseline_from(pains: list[int]) -> int | None:
    """The median of the first three pains recorded on an exercise; None with fewer."""
    first = sorted(pains[:3])
    return first[1] if len(first) == 3 else None
