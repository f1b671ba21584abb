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
from django.db.models import Sum
from django.http import Http404

from accounts.models import (
    EmployerPeriodFigures,
    MemberActivityMonth,
    MemberPainTrend,
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
    """The figures of the latest closed month (EmployerPeriodFigures), never live counts: a
    figure that moved when one person left or joined today's roster would tell the admin about
    that person. Suppression applies on top: cells under the minimum, and complements."""
    latest = (
        EmployerPeriodFigures.objects.filter(sponsor=sponsor, relationship="")
        .order_by("-month")
        .first()
    )
    if latest is None:
        return [
            Figure(key, label, "not yet", None)
            for key, label in (
                ("covered", "People covered"),
                ("enrolled", "People enrolled"),
                ("active_this_month", "Members active in the month"),
                ("sessions_per_active_member", "Sessions per active member in the month"),
                ("pain_change", "Average change in pain since starting (0-10 scale)"),
            )
        ]
    row = (
        EmployerPeriodFigures.objects.get(
            sponsor=sponsor, month=latest.month, relationship=relationship
        )
        if relationship
        else latest
    )
    complements: tuple[int, ...] = (row.covered - row.enrolled,)
    if relationship:
        complements += (
            latest.enrolled - row.enrolled,
            (latest.covered - latest.enrolled) - (row.covered - row.enrolled),
        )
    period = f"{row.month:%B %Y}"
    return [
        _figure(
            "covered", f"People covered at the end of {period}", row.covered, people=row.covered
        ),
        _figure(
            "enrolled",
            f"People enrolled at the end of {period}",
            row.enrolled,
            people=row.enrolled,
            complements=complements,
        ),
        *_activity_figures(row=row, period=period),
    ]


def _activity_figures(*, row: EmployerPeriodFigures, period: str) -> list[Figure]:
    per_member = round(row.sessions / row.active_members, 1) if row.active_members else 0
    change = round(row.pain_change, 1) if row.pain_change is not None else 0.0
    active = _figure(
        "active_this_month",
        f"Members active in {period}",
        row.active_members,
        people=row.active_members,
    )
    sessions = _figure(
        "sessions_per_active_member",
        f"Sessions per active member in {period}",
        0,
        people=row.active_members,
    )
    if sessions.value is not None:
        sessions = Figure(sessions.key, sessions.label, f"{per_member:.1f}", per_member)
    pain = _figure(
        "pain_change",
        "Average change in pain since starting (0-10 scale)",
        0,
        people=row.pain_members,
    )
    if pain.value is not None:
        pain = Figure(pain.key, pain.label, f"{change:+.1f}", change)
    return [active, sessions, pain]
