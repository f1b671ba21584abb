"""The employer admin's aggregate dashboard, with small cells suppressed.

Any figure drawn from fewer than EMPLOYER_MIN_CELL_SIZE people is shown as "<11". A figure is
also hidden when its complement is that small (12 covered and 12 enrolled would tell the
admin that any named person enrolled), and a filtered figure when it differs from the
unfiltered one by that few people (the difference would describe them).
"""

from dataclasses import dataclass
from datetime import date, timedelta
from fractions import Fraction

from django.conf import settings
from django.db import connection
from django.db.models import Count as models_Count
from django.db.models import F as models_F
from django.db.models import Q, Sum
from django.utils import timezone

from accounts.models import (
    Enrolment,
    MemberActivityMonth,
    MemberPainTrend,
    RosterEntry,
    Sponsor,
)


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
    total = sum(Fraction(ls, lc) - Fraction(fs, fc) for fs, fc, ls, lc in rows)
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


def _month_end(month: date) -> date:
    return (month.replace(day=28) + timedelta(days=4)).replace(day=1) - timedelta(days=1)


def activity_from_events(*, sponsor: Sponsor, month: date, until: date) -> Activity:
    """The same figures straight from sessions and completions: the reference for the rollup.

    Used by the benchmark and the tests to prove the rollup exact; never by a page.
    """
    enrolled = """
        SELECT en.user_id FROM accounts_enrolment en
        JOIN accounts_rosterentry r ON r.id = en.roster_entry_id WHERE r.sponsor_id = %s
    """
    with connection.cursor() as cursor:
        cursor.execute(
            f"""
            SELECT COUNT(DISTINCT s.patient_id), COUNT(*) FROM programs_exercisesession s
            WHERE s.patient_id IN ({enrolled}) AND s.local_date >= %s AND s.local_date <= %s
            """,
            [sponsor.pk, month, min(until, _month_end(month))],
        )
        active, sessions = cursor.fetchone()
        cursor.execute(
            f"""
            WITH daily AS (
                SELECT s.patient_id, s.local_date, SUM(c.pain) AS ps, COUNT(*) AS pc
                FROM programs_completion c
                JOIN programs_exercisesession s ON s.id = c.session_id
                WHERE s.patient_id IN ({enrolled}) AND s.local_date <= %s
                GROUP BY s.patient_id, s.local_date
            ), ranked AS (
                SELECT patient_id, local_date, ps, pc,
                       ROW_NUMBER() OVER (PARTITION BY patient_id ORDER BY local_date) AS rf,
                       ROW_NUMBER() OVER (PARTITION BY patient_id ORDER BY local_date DESC) AS rl
                FROM daily
            )
            SELECT MAX(CASE WHEN rf = 1 THEN ps END), MAX(CASE WHEN rf = 1 THEN pc END),
                   MAX(CASE WHEN rl = 1 THEN ps END), MAX(CASE WHEN rl = 1 THEN pc END)
            FROM ranked WHERE rf = 1 OR rl = 1
            GROUP BY patient_id HAVING MIN(local_date) < MAX(local_date)
            """,
            [sponsor.pk, until],
        )
        rows = [tuple(int(v) for v in row) for row in cursor.fetchall()]
    return Activity(active, sessions, len(rows), _mean_change(rows))


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
