"""The employer admin's aggregate dashboard, with small cells suppressed.

Any figure drawn from fewer than EMPLOYER_MIN_CELL_SIZE people is shown as "<11". A figure is
also hidden when its complement is that small (12 covered and 12 enrolled would tell the
admin that any named person enrolled), and a filtered figure when it differs from the
unfiltered one by that few people (the difference would describe them).

employer_sponsor_for(user) is the portal's gate: the sponsor an employer admin manages, 404 for
everyone else. Nothing here joins care teams or anything clinical.
"""

from dataclasses import dataclass
from datetime import date
from fractions import Fraction

from django.conf import settings
from django.db.models import Count as models_Count
from django.db.models import F as models_F
from django.db.models import Q, Sum
from django.http import Http404
from django.utils import timezone

from accounts.models import (
    Enrolment,
    MemberActivityMonth,
    MemberPainTrend,
    RosterEntry,
    Sponsor,
    User,
)


def employer_sponsor_for(*, user: User) -> Sponsor:
    """The sponsor an employer admin manages; 404 for everyone else."""
    if not (user.is_authenticated and user.is_active and user.is_employer_admin):
        raise Http404("No such page.")
    sponsor = Sponsor.objects.filter(admins__user=user).first()
    if sponsor is None:
        raise Http404("No such page.")
    return sponsor


@dataclass(frozen=True)
class Figure:
    key: str
    label: str
    shown: str
    # The number itself; None when suppressed, so no caller can leak it by mistake.
    value: int | float | None


def _small(n: int) -> bool:
    return 0 < n < settings.EMPLOYER_MIN_CELL_SIZE


def _suppressed_label() -> str:
    return f"<{settings.EMPLOYER_MIN_CELL_SIZE}"


def _figure(
    key: str, label: str, value: int, *, people: int, complements: tuple[int, ...] = ()
) -> Figure:
    hide = people < settings.EMPLOYER_MIN_CELL_SIZE or any(_small(c) for c in complements)
    if hide:
        return Figure(key, label, _suppressed_label(), None)
    return Figure(key, label, f"{value:,}", value)


def _covered_today() -> Q:
    today = timezone.localdate()
    return Q(ended_on__isnull=True, coverage_start__lte=today) & (
        Q(coverage_end__isnull=True) | Q(coverage_end__gte=today)
    )


def _counts(*, sponsor: Sponsor, relationship: str) -> tuple[int, int]:
    entries = RosterEntry.objects.filter(_covered_today(), sponsor=sponsor)
    if relationship:
        entries = entries.filter(relationship=relationship)
    covered = entries.count()
    enrolled = Enrolment.objects.filter(roster_entry__in=entries.values("pk")).count()
    return covered, enrolled


@dataclass(frozen=True)
class Activity:
    """Activity figures before suppression; the rollup and the raw events must agree exactly."""

    active_members: int
    sessions: int
    pain_members: int
    pain_change: Fraction | None


def _mean_change(rows: list[tuple[int, int, int, int]]) -> Fraction | None:
    """Mean of (latest day's average pain - first day's average pain), exactly."""
    if not rows:
        return None
    total = sum((Fraction(ls, lc) - Fraction(fs, fc) for fs, fc, ls, lc in rows), Fraction(0))
    return total / len(rows)


def activity_from_rollup(*, sponsor: Sponsor, month: date, relationship: str = "") -> Activity:
    months = MemberActivityMonth.objects.filter(sponsor=sponsor, month=month, sessions__gt=0)
    trends = MemberPainTrend.objects.filter(sponsor=sponsor, last_day__gt=models_F("first_day"))
    if relationship:
        months = months.filter(patient__enrolment__roster_entry__relationship=relationship)
        trends = trends.filter(patient__enrolment__roster_entry__relationship=relationship)
    summary = months.aggregate(n=models_Count("pk"), s=Sum("sessions"))
    rows = list(
        trends.values_list("first_pain_sum", "first_pain_count", "last_pain_sum", "last_pain_count")
    )
    return Activity(summary["n"], summary["s"] or 0, len(rows), _mean_change(rows))


def employer_dashboard(*, sponsor: Sponsor, relationship: str = "") -> list[Figure]:
    covered, enrolled = _counts(sponsor=sponsor, relationship=relationship)
    complements: tuple[int, ...] = (covered - enrolled,)
    if relationship:
        all_covered, all_enrolled = _counts(sponsor=sponsor, relationship="")
        complements += (
            all_enrolled - enrolled,
            (all_covered - all_enrolled) - (covered - enrolled),
        )
    return [
        # The admin can list the roster anyway; the count is suppressed like any small cell.
        _figure("covered", "People covered today", covered, people=covered),
        _figure("enrolled", "People enrolled", enrolled, people=enrolled, complements=complements),
        *_activity_figures(sponsor=sponsor, relationship=relationship),
    ]


def _activity_figures(*, sponsor: Sponsor, relationship: str) -> list[Figure]:
    month = timezone.localdate().replace(day=1)
    activity = activity_from_rollup(sponsor=sponsor, month=month, relationship=relationship)
    per_member = (
        round(activity.sessions / activity.active_members, 1) if activity.active_members else 0
    )
    change = round(float(activity.pain_change), 1) if activity.pain_change is not None else 0.0
    active = _figure(
        "active_this_month",
        "Members active this month",
        activity.active_members,
        people=activity.active_members,
    )
    sessions = _figure(
        "sessions_per_active_member",
        "Sessions per active member this month",
        0,
        people=activity.active_members,
    )
    if sessions.value is not None:
        sessions = Figure(sessions.key, sessions.label, f"{per_member:.1f}", per_member)
    pain = _figure(
        "pain_change",
        "Average change in pain since starting (0-10 scale)",
        0,
        people=activity.pain_members,
    )
    if pain.value is not None:
        pain = Figure(pain.key, pain.label, f"{change:+.1f}", change)
    return [active, sessions, pain]
