"""Keep the employer dashboard's rollups current, one patient-local day at a time, and close
each month into the figures an employer sees (EmployerPeriodFigures, written once).

A day is rolled once (ActivityRollupDay is its claim), with two set-based statements over that
day's sessions and completions: sessions are added to the member's month, and the member's
first and latest days with pain reports are moved if this day is earlier or later. Days are
rolled only once no patient anywhere can still be living them (see `last_closed_day`).
"""

from datetime import UTC, date, datetime, time, timedelta

from django.db import IntegrityError, connection, transaction
from django.db.models import Q
from django.utils import timezone

from accounts.models import (
    ActivityRollupDay,
    EmployerPeriodFigures,
    Enrolment,
    RosterEntry,
    Sponsor,
)
from accounts.selectors.employer import activity_from_rollup

# A local date has ended everywhere once UTC is this far past its end (UTC-12 is the last zone).
_LAST_ZONE_LAG = timedelta(hours=12)

_DAY_STATS = """
    SELECT s.patient_id AS patient_id, r.sponsor_id AS sponsor_id,
           COUNT(DISTINCT s.id) AS sessions,
           COALESCE(SUM(c.pain), 0) AS pain_sum, COUNT(c.id) AS pain_count
    FROM programs_exercisesession s
    JOIN accounts_enrolment en ON en.user_id = s.patient_id
    JOIN accounts_rosterentry r ON r.id = en.roster_entry_id
    LEFT JOIN programs_completion c ON c.session_id = s.id
    WHERE s.local_date = %s
    GROUP BY s.patient_id, r.sponsor_id
"""


def last_closed_day(*, now: datetime | None = None) -> date:
    """The latest local date that has ended in every time zone."""
    now = now or timezone.now()
    return (now - _LAST_ZONE_LAG).astimezone(UTC).date() - timedelta(days=1)


def activity_rollup_day(*, day: date) -> bool:
    """Add one day's activity to the rollups. False when that day was already rolled."""
    try:
        with transaction.atomic():
            ActivityRollupDay.objects.create(day=day)
            m = "accounts_memberactivitymonth"
            with connection.cursor() as cursor:
                cursor.execute(
                    f"""
                    INSERT INTO {m} (patient_id, sponsor_id, month, sessions)
                    SELECT d.patient_id, d.sponsor_id, %s, d.sessions FROM ({_DAY_STATS}) d
                    WHERE d.sessions > 0
                    ON CONFLICT (patient_id, month)
                    DO UPDATE SET sessions = {m}.sessions + excluded.sessions
                    """,
                    [day.replace(day=1), day],
                )
                t = "accounts_memberpaintrend"
                cursor.execute(
                    f"""
                    INSERT INTO {t} (patient_id, sponsor_id, first_day, first_pain_sum,
                        first_pain_count, last_day, last_pain_sum, last_pain_count)
                    SELECT d.patient_id, d.sponsor_id, %s, d.pain_sum, d.pain_count,
                           %s, d.pain_sum, d.pain_count
                    FROM ({_DAY_STATS}) d
                    WHERE d.pain_count > 0
                    ON CONFLICT (patient_id) DO UPDATE SET
                      first_pain_sum = CASE WHEN excluded.first_day < {t}.first_day
                          THEN excluded.first_pain_sum ELSE {t}.first_pain_sum END,
                      first_pain_count = CASE WHEN excluded.first_day < {t}.first_day
                          THEN excluded.first_pain_count ELSE {t}.first_pain_count END,
                      first_day = CASE WHEN excluded.first_day < {t}.first_day
                          THEN excluded.first_day ELSE {t}.first_day END,
                      last_pain_sum = CASE WHEN excluded.last_day > {t}.last_day
                          THEN excluded.last_pain_sum ELSE {t}.last_pain_sum END,
                      last_pain_count = CASE WHEN excluded.last_day > {t}.last_day
                          THEN excluded.last_pain_count ELSE {t}.last_pain_count END,
                      last_day = CASE WHEN excluded.last_day > {t}.last_day
                          THEN excluded.last_day ELSE {t}.last_day END
                    """,
                    [day, day, day],
                )
    except IntegrityError:
        return False
    return True


def activity_rollup_catch_up(*, until: date | None = None) -> int:
    """Roll every closed day not rolled yet, oldest first, one transaction per day."""
    until = until or last_closed_day()
    with connection.cursor() as cursor:
        cursor.execute("SELECT MIN(local_date) FROM programs_exercisesession")
        (first,) = cursor.fetchone()
    if first is None:
        return 0
    if isinstance(first, str):  # SQLite hands dates back as text
        first = date.fromisoformat(first)
    done = set(
        ActivityRollupDay.objects.filter(day__gte=first, day__lte=until).values_list(
            "day", flat=True
        )
    )
    rolled = 0
    day = first
    while day <= until:
        if day not in done and activity_rollup_day(day=day):
            rolled += 1
        day += timedelta(days=1)
    return rolled


def _month_end(month: date) -> date:
    return (month.replace(day=28) + timedelta(days=4)).replace(day=1) - timedelta(days=1)


def employer_period_closed_month(*, now: datetime | None = None) -> date:
    """The latest month whose every day has ended everywhere (and so is fully rolled up)."""
    day = last_closed_day(now=now)
    if day == _month_end(day):
        return day.replace(day=1)
    return (day.replace(day=1) - timedelta(days=1)).replace(day=1)


def employer_period_close(*, sponsor: Sponsor, month: date) -> bool:
    """Write the sponsor's figures for `month` once, as the roster stood at the month's end.

    False when that month was already closed: the figures never change afterwards, so removing
    one person from today's roster, or adding one, and reading the dashboard again shows the
    same numbers. Coverage is taken as of the month's last day from the entries' own dates (an
    entry created or ended later does not count differently), so closing a day late changes
    nothing either.
    """
    end = _month_end(month)
    end_at = datetime.combine(
        end + timedelta(days=1), time.min, tzinfo=timezone.get_current_timezone()
    )
    covered_at_end = RosterEntry.objects.filter(
        Q(coverage_end__isnull=True) | Q(coverage_end__gte=end),
        Q(ended_on__isnull=True) | Q(ended_on__gt=end),
        sponsor=sponsor,
        created_at__lt=end_at,
        coverage_start__lte=end,
    )
    rows = []
    for relationship in ["", *RosterEntry.Relationship.values]:
        entries = (
            covered_at_end.filter(relationship=relationship) if relationship else covered_at_end
        )
        activity = activity_from_rollup(sponsor=sponsor, month=month, relationship=relationship)
        rows.append(
            EmployerPeriodFigures(
                sponsor=sponsor,
                month=month,
                relationship=relationship,
                covered=entries.count(),
                enrolled=Enrolment.objects.filter(
                    roster_entry__in=entries.values("pk"), enrolled_at__lt=end_at
                ).count(),
                active_members=activity.active_members,
                sessions=activity.sessions,
                pain_members=activity.pain_members,
                pain_change=float(activity.pain_change)
                if activity.pain_change is not None
                else None,
            )
        )
    try:
        with transaction.atomic():
            EmployerPeriodFigures.objects.bulk_create(rows)
    except IntegrityError:
        return False
    return True


def employer_periods_close_due(*, sponsor: Sponsor | None = None) -> int:
    """Close the latest ended month for one sponsor (the dashboard, on first read) or all of
    them (the hourly rollup task). Returns how many sponsors were closed now."""
    month = employer_period_closed_month()
    sponsors = Sponsor.objects.all() if sponsor is None else Sponsor.objects.filter(pk=sponsor.pk)
    due = sponsors.exclude(
        pk__in=EmployerPeriodFigures.objects.filter(month=month).values("sponsor_id")
    )
    if not due.exists():
        return 0
    activity_rollup_catch_up(until=_month_end(month))
    return sum(employer_period_close(sponsor=s, month=month) for s in due)
