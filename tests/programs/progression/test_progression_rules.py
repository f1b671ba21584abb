"""The progression rules' worked cases (docs/progression.md): inputs, decision, reason.

Each row is a plan item over the 14-day window: sessions prescribed and done, the pains
recorded (0-10) and how each felt (e easy, r about right, h too hard), the patient's baseline.
"""

import pytest

from programs.progression_rules import (
    Decision,
    Dose,
    ItemWindow,
    Ladder,
    Reading,
    Variant,
    baseline_from,
    decide,
    next_step,
    steps_between,
)

FEEL = {"e": "too_easy", "r": "about_right", "h": "too_hard"}


def window(prescribed: int, done: int, pains: str, feels: str, baseline: int) -> ItemWindow:
    readings = tuple(Reading(int(p), FEEL[f]) for p, f in zip(pains.split(), feels, strict=True))
    return ItemWindow(
        prescribed=prescribed, completed=done, readings=readings, baseline_pain=baseline
    )


# (name, prescribed, done, pains, feels, baseline, decision, reason contains)
CASES = [
    # The example: 12 of 12 done, pain 1-2 under baseline 3, easy 9 of 12: advance.
    (
        "improver",
        12,
        12,
        "1 2 1 2 1 2 1 2 1 2 1 2",
        "eeeeeeeeerrr",
        3,
        Decision.ADVANCE,
        "12 of 12 sessions done, pain 1-2 (baseline 3)",
    ),
    # Silbernagel: up to 5/10 is acceptable, so 4-5 with baseline 4 still advances.
    (
        "pain at the ceiling",
        10,
        9,
        "4 5 4 5 4 4 5 4 4",
        "rrrrrrrrr",
        4,
        Decision.ADVANCE,
        "9 of 10 sessions done",
    ),
    # Fewer than 6 completions: too few data to move up.
    ("too few", 10, 5, "1 1 1 1 1", "eeeee", 2, Decision.HOLD, "too few data: 5 completions"),
    # 7 of 10 is 70 %, under 80 %.
    ("low adherence", 10, 7, "1 1 1 1 1 1 1", "eeeeeee", 2, Decision.HOLD, "7 of 10 sessions done"),
    # Pain 4 with baseline 2 is above baseline + 1 (but the recent mean 3.0 is < baseline + 2).
    (
        "pain above baseline + 1",
        10,
        10,
        "2 2 2 2 2 2 2 4 2 3",
        "rrrrrrrrrr",
        2,
        Decision.HOLD,
        "need at most 5 and baseline + 1",
    ),
    # Only half felt easy or about right, but "too hard" is not the majority either.
    (
        "mixed feel",
        10,
        10,
        "1 1 1 1 1 1 1 1 1 1",
        "rrrrrhhhhh",
        2,
        Decision.HOLD,
        "felt easy or about right 5 of 10",
    ),
    # A flare: the last three average 5.0, 3 over baseline 2.
    (
        "flare",
        10,
        10,
        "2 2 2 2 2 2 2 5 5 5",
        "rrrrrrrrrr",
        2,
        Decision.REGRESS,
        "recent pain 5.0 is 2 or more above baseline 2",
    ),
    # Over the 5/10 ceiling twice, even with good adherence.
    (
        "over ceiling twice",
        10,
        10,
        "6 3 3 6 3 3 3 3 3 3",
        "rrrrrrrrrr",
        3,
        Decision.REGRESS,
        "pain above 5/10 in 2 of 10",
    ),
    # Within the limits but climbing (3.8 then 4.6): a flare in the making is not advanced.
    (
        "rising within limits",
        10,
        10,
        "4 3 4 4 4 5 4 4 5 5",
        "rrrrrrrrrr",
        4,
        Decision.HOLD,
        "pain 3.8 then 4.6 (need no rise)",
    ),
    # Over the ceiling once: hold (mixed), not regress.
    ("over ceiling once", 10, 10, "6 3 3 3 3 3 3 3 3 3", "rrrrrrrrrr", 3, Decision.HOLD, "mixed"),
    # "Too hard" in 4 of 7: the majority.
    ("too hard", 10, 7, "2 2 2 2 2 2 2", "hhhhrrr", 2, Decision.REGRESS, "felt too hard 4 of 7"),
    # Regress needs only two readings: a flare is not waited out.
    ("early flare", 10, 2, "7 7", "rr", 3, Decision.REGRESS, "recent pain 7.0"),
    # Both qualify and alarm: regress wins (checked first).
    (
        "alarm beats qualify",
        12,
        12,
        "1 1 1 1 1 1 1 1 1 1 6 6",
        "eeeeeeeeeeee",
        3,
        Decision.REGRESS,
        "pain above 5/10 in 2 of 12",
    ),
]


@pytest.mark.parametrize(
    ("prescribed", "done", "pains", "feels", "baseline", "decision", "reason"),
    [c[1:] for c in CASES],
    ids=[c[0] for c in CASES],
)
def test_worked_cases(prescribed, done, pains, feels, baseline, decision, reason) -> None:
    verdict = decide(window(prescribed, done, pains, feels, baseline))
    assert verdict.decision == decision
    assert reason in verdict.reason
    assert verdict.patient_reason  # always a reason in plain words
    assert verdict.inputs["baseline_pain"] == baseline


BRIDGE = Ladder(
    default=Dose(1, 2, 10, None),
    harder=Variant(2, 2, 8, None),
    easier=None,
)
SINGLE_LEG = Ladder(default=Dose(2, 2, 8, None), harder=None, easier=Variant(1, 2, 10, None))
PLANK = Ladder(default=Dose(3, 2, None, 20), harder=None, easier=None)

# (ladder, dose, decision, next dose): one step each; None = nowhere to go
STEPS = [
    ("sets first", BRIDGE, Dose(1, 2, 10, None), Decision.ADVANCE, Dose(1, 3, 10, None)),
    ("then reps +2", BRIDGE, Dose(1, 3, 10, None), Decision.ADVANCE, Dose(1, 3, 12, None)),
    ("reps capped at 15", BRIDGE, Dose(1, 3, 14, None), Decision.ADVANCE, Dose(1, 3, 15, None)),
    ("then the chain", BRIDGE, Dose(1, 3, 15, None), Decision.ADVANCE, Dose(2, 2, 8, None)),
    ("top of the chain", SINGLE_LEG, Dose(2, 3, 15, None), Decision.ADVANCE, None),
    ("hold +10 s", PLANK, Dose(3, 3, None, 20), Decision.ADVANCE, Dose(3, 3, None, 30)),
    ("hold capped at 60", PLANK, Dose(3, 3, None, 60), Decision.ADVANCE, None),
    ("regress reps first", BRIDGE, Dose(1, 3, 14, None), Decision.REGRESS, Dose(1, 3, 12, None)),
    ("then sets", BRIDGE, Dose(1, 3, 10, None), Decision.REGRESS, Dose(1, 2, 10, None)),
    (
        "then down the chain",
        SINGLE_LEG,
        Dose(2, 2, 8, None),
        Decision.REGRESS,
        Dose(1, 2, 10, None),
    ),
    (
        "no easier: one set fewer",
        BRIDGE,
        Dose(1, 2, 10, None),
        Decision.REGRESS,
        Dose(1, 1, 10, None),
    ),
    ("bottom", BRIDGE, Dose(1, 1, 10, None), Decision.REGRESS, None),
    ("hold changes nothing", BRIDGE, Dose(1, 2, 10, None), Decision.HOLD, None),
]


@pytest.mark.parametrize(
    ("ladder", "dose", "decision", "after"), [s[1:] for s in STEPS], ids=[s[0] for s in STEPS]
)
def test_one_step(ladder, dose, decision, after) -> None:
    assert next_step(dose=dose, ladder=ladder, decision=decision) == after
    if after is not None:
        assert steps_between(before=dose, after=after, ladder=ladder) == 1


def test_two_steps_are_two_steps() -> None:
    assert (
        steps_between(before=Dose(1, 2, 10, None), after=Dose(1, 3, 12, None), ladder=BRIDGE) == 2
    )


def test_baseline_is_the_median_of_the_first_three() -> None:
    assert baseline_from([4, 2, 3, 9, 9]) == 3
    assert baseline_from([4, 2]) is None
