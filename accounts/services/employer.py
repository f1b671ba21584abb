"""Keep the employer dashboard's rollups current, one patient-local day at a time.

A day is rolled once (ActivityRollupDay is its claim), with two set-based statements over that
day's sessions and completions: sessions are added to the member's month, and the member's
first and latest days with pain reports are moved if this day is earlier or later. Days are
rolled only once no patient anywhere can still be living them (see `last_closed_day`).
"""

from datetime import UTC, date, datetime, timedelta

from django.db import IntegrityError, connection, transaction
from django.utils import timezone

from accounts.models import ActivityRollupDay

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
