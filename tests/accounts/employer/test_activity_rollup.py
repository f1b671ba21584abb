"""The dashboard's activity rollup: a day at a time, once per day, exactly the raw figures."""

from datetime import date, timedelta

import pytest
from django.db import connection

from accounts.models import Enrolment, MemberActivityMonth, Sponsor
from accounts.selectors.employer import (
    Activity,
    _mean_change,
    activity_from_rollup,
    employer_dashboard,
)
from accounts.services.employer import (
    activity_rollup_catch_up,
    activity_rollup_day,
    employer_period_close,
    last_closed_day,
)
from programs.models import Completion, ExerciseSession, ProgramTemplate
from programs.services.plans import plan_assign_template
from tests.factories import PatientFactory, RosterEntryFactory, SponsorFactory

pytestmark = pytest.mark.django_db


def _month_end(month: date) -> date:
    return (month.replace(day=28) + timedelta(days=4)).replace(day=1) - timedelta(days=1)


def activity_from_events(*, sponsor: Sponsor, month: date, until: date) -> Activity:
    """The same figures straight from sessions and completions: the reference for the rollup.

    The test oracle (and the benchmark's): proves the rollup exact; never used by a page.
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


@pytest.fixture
def activity(pt):
    """13 enrolled members of one sponsor, exercising on and off over six weeks."""
    sponsor = SponsorFactory()
    other_sponsor = SponsorFactory()
    template = ProgramTemplate.objects.get(slug="psoas")
    members = []
    for n in range(14):
        patient = PatientFactory(password=None)  # no login needed: skip the slow hash
        entry = RosterEntryFactory(
            sponsor=other_sponsor if n == 13 else sponsor,
            relationship="spouse" if n == 0 else "employee",
        )
        Enrolment.objects.create(user=patient, roster_entry=entry)
        members.append(patient)
    plan = plan_assign_template(therapist=pt, patient=members[0], template=template)
    version = plan.current_version
    items = list(version.items.select_related("exercise")[:3])
    until = last_closed_day()
    sessions = ExerciseSession.objects.bulk_create(
        ExerciseSession(patient=patient, plan_version=version, local_date=until - timedelta(back))
        for n, patient in enumerate(members)
        for back in range(0, 42, 1 + n % 4)
    )
    Completion.objects.bulk_create(
        Completion(
            session=session,
            plan_item=item,
            exercise=item.exercise,
            pain=(back // 5 + n + k) % 11,
            difficulty="about_right",
        )
        for session in sessions
        for n in [members.index(session.patient)]
        for back in [(until - session.local_date).days]
        for k, item in enumerate(items[: 1 + (back + n) % 3])
    )
    # a session today is not rolled yet: the day is not over everywhere
    ExerciseSession.objects.create(
        patient=members[1], plan_version=version, local_date=until + timedelta(days=2)
    )
    return sponsor, until


def test_the_rollup_equals_the_raw_events_and_is_idempotent(activity):
    sponsor, until = activity
    rolled = activity_rollup_catch_up(until=until)
    assert rolled == 42
    for month in {until.replace(day=1), (until.replace(day=1) - timedelta(days=1)).replace(day=1)}:
        from_rollup = activity_from_rollup(sponsor=sponsor, month=month)
        from_events = activity_from_events(sponsor=sponsor, month=month, until=until)
        assert from_rollup == from_events
        assert from_rollup.active_members == 13
    rows = list(MemberActivityMonth.objects.order_by("pk").values())
    assert activity_rollup_catch_up(until=until) == 0
    assert activity_rollup_day(day=until) is False
    assert list(MemberActivityMonth.objects.order_by("pk").values()) == rows


def test_days_rolled_out_of_order_give_the_same_figures(activity):
    sponsor, until = activity
    for back in [3, 0, 41, 17, *range(42)]:
        activity_rollup_day(day=until - timedelta(days=back))
    month = until.replace(day=1)
    assert activity_from_rollup(sponsor=sponsor, month=month) == activity_from_events(
        sponsor=sponsor, month=month, until=until
    )


def test_the_dashboard_shows_activity_and_suppresses_it_for_one_person(activity):
    sponsor, until = activity
    activity_rollup_catch_up(until=until)
    employer_period_close(sponsor=sponsor, month=until.replace(day=1))
    everyone = {f.key: f.shown for f in employer_dashboard(sponsor=sponsor)}
    assert set(everyone) >= {"active_this_month", "sessions_per_active_member", "pain_change"}
    one = {f.key: f.shown for f in employer_dashboard(sponsor=sponsor, relationship="spouse")}
    assert one == {
        "covered": "<11",
        "enrolled": "<11",
        "active_this_month": "<11",
        "sessions_per_active_member": "<11",
        "pain_change": "<11",
    }
