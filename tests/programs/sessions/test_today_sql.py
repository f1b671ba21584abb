"""Today's reads in plain SQL (programs/selectors/today_sql.py) give what the ORM gives: the same
plan, version, profile, items and exercises, the same completions, and the navigation's unread
count by its one rule (unread_count_for_user)."""

from datetime import timedelta

import pytest
from django.db import connection
from django.db.models import F, Model
from django.test.utils import CaptureQueriesContext

from accounts.models import User
from programs.models import Completion, Message, Plan, PlanItem, ThreadReadState
from programs.selectors.messaging import unread_count_for_user
from programs.selectors.today_sql import today_plan_read, week_completions_read
from programs.services.plans import plan_swap_exercise
from tests.programs.history import add_day, local_today, start_plan_on

pytestmark = pytest.mark.django_db


def _values(instance: Model | None) -> list[object] | None:
    if instance is None:
        return None
    return [getattr(instance, f.attname) for f in instance._meta.concrete_fields]


def _fresh(patient: User) -> User:
    # as the sign-in middleware loads the user: no profile yet
    return User.objects.get(pk=patient.pk)


def _orm_items(plan: Plan) -> list[tuple[list[object] | None, list[object] | None]]:
    items = PlanItem.objects.filter(version=plan.current_version).select_related("exercise")
    return [(_values(i), _values(i.exercise)) for i in items.order_by("order", "id")]


def test_the_plan_read_is_the_orms(patient, pt, patient2, plan, bridge):
    # given a swapped exercise (a second version), a note, and messages, some read, some not
    PlanItem.objects.filter(version=plan.current_version, exercise=bridge).update(note="Slowly")
    plan_swap_exercise(
        therapist=pt, plan=plan, expected_version=1, exercise_id=bridge.pk, direction="harder"
    )
    first = Message.objects.create(patient=patient, sender=pt, body="How was it?")
    Message.objects.create(patient=patient, sender=pt, body="And today?")
    Message.objects.create(patient=patient, sender=patient, body="Fine")  # their own
    Message.objects.create(patient=patient2, sender=pt, body="Someone else's")
    ThreadReadState.objects.create(patient=patient, user=patient, last_read_message_id=first.pk)
    # when Today reads the plan for a patient whose profile is not loaded
    reader = _fresh(patient)
    with CaptureQueriesContext(connection) as queries:
        read = today_plan_read(patient=reader)
        zone = reader.patient_profile.time_zone
    # then in one statement, everything the ORM reads
    assert len(queries) == 1
    expected = Plan.objects.select_related("current_version").get(pk=plan.pk)
    assert read.plan is not None
    assert _values(read.plan) == _values(expected)
    assert _values(read.plan.current_version) == _values(expected.current_version)
    assert read.plan.patient is reader
    assert zone == patient.patient_profile.time_zone
    assert _values(reader.patient_profile) == _values(patient.patient_profile)
    assert [(_values(i), _values(i.exercise)) for i in read.items] == _orm_items(expected)
    assert any(i.note == "Slowly" for i in read.items)
    assert read.unread_messages == unread_count_for_user(user=reader) == 1


def test_no_active_plan_still_brings_the_profile_and_the_count(patient, pt, plan):
    Plan.objects.filter(pk=plan.pk).update(status=Plan.Status.ENDED)
    Message.objects.create(patient=patient, sender=pt, body="Welcome")
    reader = _fresh(patient)
    read = today_plan_read(patient=reader)
    assert read.plan is None
    assert read.items == []
    assert read.unread_messages == 1
    assert User.patient_profile.is_cached(reader)


def test_a_loaded_profile_is_kept(patient, plan):
    profile = patient.patient_profile
    today_plan_read(patient=patient)
    assert patient.patient_profile is profile


def test_the_weeks_completions_are_the_orms(patient, plan):
    # given two weeks of history and another patient's completions on the same days
    today = local_today(patient)
    start_plan_on(patient, plan, today - timedelta(days=20))
    for n in range(14):
        add_day(patient, plan, today - timedelta(days=n), [3, 1, 4])
    first, last = today - timedelta(days=6), today
    # when the page reads them
    read = week_completions_read(patient=patient, first=first, last=last)
    # then each is the ORM's, in the same order, with its session and variant links
    expected = list(
        Completion.objects.filter(
            session__patient=patient,
            session__local_date__gte=first,
            session__local_date__lte=last,
        )
        .select_related("session")
        .annotate(
            regression_id=F("exercise__regression_id"),
            progression_id=F("exercise__progression_id"),
        )
        .order_by("completed_at", "id")
    )
    assert len(read) == len(expected) == 21
    for row, completion in zip(read, expected, strict=True):
        built = row.completion()
        assert _values(built) == _values(completion)
        assert _values(built.session) == _values(completion.session)
        assert _values(row.session()) == _values(completion.session)
        assert (row.exercise_id, row.regression_id, row.progression_id, row.local_date) == (
            completion.exercise_id,
            completion.regression_id,  # type: ignore[attr-defined]
            completion.progression_id,  # type: ignore[attr-defined]
            completion.session.local_date,
        )
