"""The Today page's work (issue 14, the web benchmark): the week's adherence read from Today's
own rows, the navigation's unread count and the profile folded into the plan's query. Same
page, fewer queries: the figures must stay those of the one definition and the badge right."""

from datetime import UTC, datetime, timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from programs import sessions_schedule
from programs.selectors.progress import adherence_weeks
from programs.selectors.sessions import today_for_patient
from programs.services.plans import plan_swap_exercise
from programs.services.sessions import completion_record
from tests.conftest import client_for
from tests.programs.history import add_day, local_today, start_plan_on

pytestmark = pytest.mark.django_db


def _history(patient, plan, today, days: int) -> None:
    for n in range(1, days):
        if n % 3:
            add_day(patient, plan, today - timedelta(days=n), [3, 2, 4, 1] if n % 2 else [2])


def test_todays_week_figure_is_the_one_definition_after_a_swap(patient, plan, pt, bridge):
    # given a plan started mid last week, uneven history and a swap today after a completion
    today = local_today(patient)
    start_plan_on(patient, plan, sessions_schedule.week_start(today) - timedelta(days=3))
    _history(patient, plan, today, 10)
    completion_record(patient=patient, exercise_id=bridge.pk, pain=2, difficulty="about_right")
    plan_swap_exercise(
        therapist=pt, plan=plan, expected_version=1, exercise_id=bridge.pk, direction="harder"
    )
    # when Today is read
    week = today_for_patient(patient=patient).week
    # then its week is adherence_weeks' week, and the page shows it
    expected = adherence_weeks(patient=patient, today=today, weeks=1)[0]
    assert (week.week_start, week.completed, week.prescribed) == (
        expected.week_start,
        expected.completed,
        expected.prescribed,
    )
    assert week.completed >= 1
    page = client_for(patient).get(reverse("programs:today")).content.decode()
    assert f"<strong>{week.completed} of {week.prescribed}</strong>" in page


def test_a_plan_that_starts_today_owes_only_today(patient, plan):
    today = local_today(patient)
    start_plan_on(patient, plan, today)
    week = today_for_patient(patient=patient).week
    expected = adherence_weeks(patient=patient, today=today, weeks=1)[0]
    assert (week.completed, week.prescribed) == (expected.completed, expected.prescribed)


def test_a_reading_from_before_the_current_version_uses_the_version_then(patient, plan, pt, bridge):
    # given version 2 was made now, and a reading of Today as of two days earlier
    start_plan_on(patient, plan, local_today(patient) - timedelta(days=20))
    plan_swap_exercise(
        therapist=pt, plan=plan, expected_version=1, exercise_id=bridge.pk, direction="harder"
    )
    earlier = datetime.now(UTC) - timedelta(days=2)
    local = sessions_schedule.local_today(patient.patient_profile.time_zone, earlier)
    # then the week's figure is the definition's for that day (version 1 in effect then)
    week = today_for_patient(patient=patient, now=earlier).week
    expected = adherence_weeks(patient=patient, today=local, weeks=1)[0]
    assert (week.completed, week.prescribed) == (expected.completed, expected.prescribed)


def test_today_shows_the_unread_count_with_fewer_queries(patient, plan, pt):
    # given a month of history and two messages from the PT the patient has not read
    today = local_today(patient)
    start_plan_on(patient, plan, today - timedelta(days=30))
    _history(patient, plan, today, 28)
    therapist = client_for(pt)
    for body in ("How did the bridge feel?", "Try the slower tempo today."):
        response = therapist.post(reverse("programs:thread", args=[patient.pk]), {"body": body})
        assert response.status_code == 302
    client = client_for(patient)
    client.get(reverse("programs:today"))  # the session's last-seen time, written once
    # when the patient opens Today
    with CaptureQueriesContext(connection) as queries:
        page = client.get(reverse("programs:today")).content.decode()
    sql = [q["sql"][:80] for q in queries.captured_queries]  # the next request empties the log
    # then the tab bar says two unread, as on any other page
    assert '2<span class="visually-hidden"> unread</span>' in page
    progress = client.get(reverse("programs:progress")).content.decode()
    assert '2<span class="visually-hidden"> unread</span>' in progress
    # in 7 queries (13, then 8 before): session, user, two second-factor lookups, the plan
    # with the profile, the unread count and the items, the week's completions, the audit row
    assert len(sql) == 7, sql


def test_the_navigation_links_are_the_routes(patient, plan):
    page = client_for(patient).get(reverse("programs:today")).content.decode()
    for name in ("programs:today", "programs:progress", "programs:messages", "more"):
        assert f'href="{reverse(name)}"' in page
    assert f'action="{reverse("accounts:logout")}"' in page
