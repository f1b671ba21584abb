"""Outcome measures: the questions (in our own words), scoring, schedule and MCID thresholds.

Pure functions, no database. Sources for the thresholds are in docs/outcomes.md.
"""

from dataclasses import dataclass
from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal
from typing import TypeGuard

from django.core.exceptions import ValidationError

# Minimal clinically important differences (docs/outcomes.md gives the sources).
MCID_NRS = Decimal(2)  # points on 0-10 (Farrar 2001; Ostelo 2008), or 30 % of the baseline
MCID_ODI = Decimal(10)  # points on 0-100 (Ostelo 2008), or 30 % of the baseline
MCID_PSFS = Decimal(2)  # points on 0-10, the mean score (Stratford 1995; Horn 2012)
MCID_PSFS_ACTIVITY = Decimal(3)  # points on 0-10, one activity (Stratford 1995)
MCID_PERCENT = Decimal(30)  # Ostelo 2008 gives "points or 30 %" for the NRS and the ODI

# Fairbank & Pynsent 2000: the ODI is interpretable only with most sections answered; with
# fewer than 8 of 10 the score rests on too little (one section alone can read 0 or 100 %).
ODI_MIN_ANSWERED = 8

# ODI and PSFS at baseline and every four weeks; the pain check-in every week.
ODI_PSFS_INTERVAL = timedelta(weeks=4)
NRS_INTERVAL = timedelta(weeks=1)

PSFS_MIN_ACTIVITIES = 3
PSFS_MAX_ACTIVITIES = 5


@dataclass(frozen=True)
class OdiSection:
    key: str
    topic: str
    levels: tuple[str, str, str, str, str, str]  # 0 (no problem) .. 5 (the most limited)


# Each section's topic and six levels, written plainly for this product.
ODI_SECTIONS: tuple[OdiSection, ...] = (
    OdiSection(
        "pain_intensity",
        "How strong your pain is right now",
        (
            "I have no pain at the moment.",
            "My pain is very mild.",
            "My pain is moderate.",
            "My pain is fairly strong.",
            "My pain is very strong.",
            "My pain is the worst I can imagine.",
        ),
    ),
    OdiSection(
        "personal_care",
        "Looking after yourself (washing, dressing)",
        (
            "I manage on my own and it does not add pain.",
            "I manage on my own but it hurts more.",
            "It hurts, so I go slowly and carefully.",
            "I need a little help but do most of it myself.",
            "I need help with most of it every day.",
            "I cannot get dressed or wash; I stay in bed.",
        ),
    ),
    OdiSection(
        "lifting",
        "Lifting things",
        (
            "I can lift heavy things with no extra pain.",
            "I can lift heavy things, but it adds pain.",
            "Pain stops me lifting heavy things from the floor, but I can from a table.",
            "I can lift light or medium things if they are easy to reach.",
            "I can lift only very light things.",
            "I cannot lift or carry anything.",
        ),
    ),
    OdiSection(
        "walking",
        "Walking",
        (
            "Pain does not limit how far I walk.",
            "Pain stops me walking more than about 1.5 km (1 mile).",
            "Pain stops me walking more than about 800 m (half a mile).",
            "Pain stops me walking more than about 400 m (a quarter mile).",
            "I can walk only with a cane or crutches.",
            "I am in bed most of the time.",
        ),
    ),
    OdiSection(
        "sitting",
        "Sitting",
        (
            "I can sit in any chair as long as I like.",
            "I can sit as long as I like in my favourite chair only.",
            "Pain stops me sitting for more than an hour.",
            "Pain stops me sitting for more than half an hour.",
            "Pain stops me sitting for more than ten minutes.",
            "Pain stops me sitting at all.",
        ),
    ),
    OdiSection(
        "standing",
        "Standing",
        (
            "I can stand as long as I like with no extra pain.",
            "I can stand as long as I like, but it adds pain.",
            "Pain stops me standing for more than an hour.",
            "Pain stops me standing for more than half an hour.",
            "Pain stops me standing for more than ten minutes.",
            "Pain stops me standing at all.",
        ),
    ),
    OdiSection(
        "sleeping",
        "Sleeping",
        (
            "Pain never wakes me up.",
            "Pain wakes me up now and then.",
            "Because of pain I sleep less than 6 hours.",
            "Because of pain I sleep less than 4 hours.",
            "Because of pain I sleep less than 2 hours.",
            "Pain keeps me from sleeping at all.",
        ),
    ),
    OdiSection(
        "sex_life",
        "Sex life (skip this if it does not apply)",
        (
            "It is normal and does not add pain.",
            "It is normal but adds some pain.",
            "It is nearly normal but quite painful.",
            "Pain limits it a lot.",
            "Pain means it hardly happens.",
            "Pain rules it out entirely.",
        ),
    ),
    OdiSection(
        "social_life",
        "Social life",
        (
            "It is normal and does not add pain.",
            "It is normal but adds pain.",
            "Pain only limits my more energetic interests, such as sport.",
            "Pain limits it and I go out less often.",
            "Pain keeps my social life to my home.",
            "Because of pain I have no social life.",
        ),
    ),
    OdiSection(
        "travelling",
        "Travelling",
        (
            "I can travel anywhere with no pain.",
            "I can travel anywhere, but it adds pain.",
            "Pain is bad, but I manage trips of over two hours.",
            "Pain limits me to trips under an hour.",
            "Pain limits me to short necessary trips under half an hour.",
            "Pain keeps me from travelling except for treatment.",
        ),
    ),
)
ODI_KEYS = tuple(s.key for s in ODI_SECTIONS)


def _one_decimal(value: Decimal) -> Decimal:
    return value.quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)


def _is_whole(value: object) -> TypeGuard[int]:
    return isinstance(value, int) and not isinstance(value, bool)


def odi_score(answers: dict[str, int | None]) -> Decimal:
    """Sum of the answered sections / (5 x answered sections) x 100, to one decimal.

    `answers` maps section keys to 0-5, or None (or absent) for a skipped section. At least
    ODI_MIN_ANSWERED of the 10 sections must be answered. Raises ValidationError naming the
    bad sections, or the rule ("answers") when too few are answered.
    """
    errors: dict[str, list[str]] = {}
    unknown = set(answers) - set(ODI_KEYS)
    for key in sorted(unknown):
        errors[key] = ["There is no such section."]
    answered: list[int] = []
    for key in ODI_KEYS:
        value = answers.get(key)
        if value is None:
            continue
        if not _is_whole(value) or not 0 <= value <= 5:
            errors[key] = ["Choose one of the six answers (0 to 5), or skip the section."]
            continue
        answered.append(value)
    if not errors and len(answered) < ODI_MIN_ANSWERED:
        errors["answers"] = [
            f"Answer at least {ODI_MIN_ANSWERED} of the {len(ODI_KEYS)} sections "
            f"(you answered {len(answered)}): with fewer, the score is not reliable. "
            "Skip only the sections that do not apply to you."
        ]
    if errors:
        raise ValidationError(errors)
    return _one_decimal(Decimal(sum(answered)) * 100 / (5 * len(answered)))


@dataclass(frozen=True)
class OdiBand:
    upper: int  # the band covers scores up to and including this percentage
    label: str
    meaning: str


# Fairbank & Pynsent 2000's five bands, worded plainly and without judgement.
ODI_BANDS: tuple[OdiBand, ...] = (
    OdiBand(20, "Minimal disability", "Most daily activities are manageable."),
    OdiBand(40, "Moderate disability", "Pain makes sitting, lifting or standing harder."),
    OdiBand(60, "Severe disability", "Pain limits much of daily life."),
    OdiBand(80, "Very severe disability", "Pain affects almost every part of daily life."),
    OdiBand(
        100,
        "Extreme limitation",
        "Pain limits nearly everything, or the answers may overstate it; "
        "worth talking through with your physical therapist.",
    ),
)


def odi_band(score: Decimal) -> OdiBand:
    """The band of an ODI score. Bands are whole percentages (0-20, 21-40, ...); a score with a
    decimal above a band's top (20.4) belongs to the next band, the more limited one."""
    for band in ODI_BANDS:
        if score <= band.upper:
            return band
    return ODI_BANDS[-1]


@dataclass(frozen=True)
class Mcid:
    """A minimal clinically important difference: `points`, or `percent` of the baseline when
    the source gives a relative threshold too; a change meeting either one is meaningful."""

    points: Decimal
    percent: Decimal | None = None

    def threshold(self, baseline: Decimal) -> Decimal:
        """The smallest meaningful change from this baseline, in points."""
        if self.percent is None or baseline <= 0:
            return self.points
        return min(self.points, _one_decimal(baseline * self.percent / 100))

    def is_met(self, *, baseline: Decimal, change: Decimal) -> bool:
        return change != 0 and abs(change) >= self.threshold(baseline)

    def __str__(self) -> str:
        points = f"{self.points.normalize():f} points"
        return f"{points} or {self.percent.normalize():f} %" if self.percent else points


MCIDS: dict[str, Mcid] = {
    "nrs": Mcid(MCID_NRS, MCID_PERCENT),
    "odi": Mcid(MCID_ODI, MCID_PERCENT),
    "psfs": Mcid(MCID_PSFS),
    "psfs_activity": Mcid(MCID_PSFS_ACTIVITY),
}

# Lower is better for pain and the ODI; higher is better for the PSFS.
HIGHER_IS_BETTER = {"nrs": False, "odi": False, "psfs": True}


def is_better(measure: str, change: Decimal) -> bool:
    return change > 0 if HIGHER_IS_BETTER[measure] else change < 0


def psfs_activity_key(name: str) -> str:
    """Activity names compare without case or extra spaces ("Putting on socks ")."""
    return " ".join(name.split()).casefold()


def psfs_same_activities(baseline: list[str], answered: list[str]) -> bool:
    return [psfs_activity_key(a) for a in baseline] == [psfs_activity_key(a) for a in answered]


def psfs_score(activities: object) -> Decimal:
    """Mean of 3 to 5 activities, each rated 0 (cannot do it) to 10 (as before the problem)."""
    if not isinstance(activities, list) or not (
        PSFS_MIN_ACTIVITIES <= len(activities) <= PSFS_MAX_ACTIVITIES
    ):
        raise ValidationError(
            {"activities": [f"List {PSFS_MIN_ACTIVITIES} to {PSFS_MAX_ACTIVITIES} activities."]}
        )
    errors: dict[str, list[str]] = {}
    ratings: list[int] = []
    for i, row in enumerate(activities):
        name = row.get("activity") if isinstance(row, dict) else None
        rating = row.get("rating") if isinstance(row, dict) else None
        if not isinstance(name, str) or not name.strip() or len(name) > 120:
            errors[f"activities.{i}.activity"] = ["Name the activity (up to 120 characters)."]
        if not _is_whole(rating) or not 0 <= rating <= 10:
            errors[f"activities.{i}.rating"] = ["Rate it with a whole number from 0 to 10."]
        else:
            ratings.append(rating)
    if errors:
        raise ValidationError(errors)
    return _one_decimal(Decimal(sum(ratings)) / len(ratings))


def nrs_score(pain: object) -> Decimal:
    if not _is_whole(pain) or not 0 <= pain <= 10:
        raise ValidationError(
            {"pain": ["Pain must be a whole number from 0 (none) to 10 (worst)."]}
        )
    return Decimal(pain)


@dataclass(frozen=True)
class Due:
    measure: str
    label: str
    due_on: date
    is_due: bool
    is_baseline: bool


def measures_due(*, today: date, last_answered: dict[str, date | None]) -> list[Due]:
    """What is due on `today`: each measure at baseline (never answered), then the pain check-in
    a week after the last one and the ODI and PSFS four weeks after theirs."""
    labels = {
        "nrs": "Weekly pain check-in",
        "odi": "Back pain and daily life (Oswestry)",
        "psfs": "Your own activities (PSFS)",
    }
    intervals = {"nrs": NRS_INTERVAL, "odi": ODI_PSFS_INTERVAL, "psfs": ODI_PSFS_INTERVAL}
    out = []
    for measure, label in labels.items():
        last = last_answered.get(measure)
        due_on = today if last is None else last + intervals[measure]
        out.append(
            Due(
                measure=measure,
                label=label,
                due_on=due_on,
                is_due=due_on <= today,
                is_baseline=last is None,
            )
        )
    return out
