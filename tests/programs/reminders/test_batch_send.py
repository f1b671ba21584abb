"""The batch send: the same decisions as the one-at-a-time rules, in a fixed number of queries."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from accounts.models import CareTeamLink
from programs.models import Plan, ReminderDelivery
from programs.selectors.reminders import deliveries_pending, reminders_skip_reasons, skip_reason
from programs.selectors.sessions import today_for_patient
from programs.services.plans import plan_assign_template
from programs.services.reminders import deliveries_send, reminders_sweep
from programs.services.sessions import completion_record
from tests import factories
from tests.programs.history import ensure_psoas_library
from tests.programs.reminders.conftest import choose, make_due

pytestmark = pytest.mark.django_db


def _due_patients(pt, count: int, *, start: int = 0) -> list:
    psoas = ensure_psoas_library()
    patients = []
    for n in range(start, start + count):
        patient = factories.PatientFactory(email=f"batch{n}@example.test", first_name=f"B{n}")
        factories.CareTeamLinkFactory(patient=patient, therapist=pt)
        plan_assign_template(therapist=pt, patient=patient, template=psoas)
        choose(patient)
        make_due(patient)
        patients.append(patient)
    return patients


def _mixed_batch(pt) -> list:
    """One patient per rule, and two to whom it should go."""
    sent, paused, off, done, no_plan, discharged, quiet, sent2 = _due_patients(pt, 8)
    choose(paused, pause_days=2)
    for row in today_for_patient(patient=done).due:
        completion_record(
            patient=done, exercise_id=row.exercise.pk, pain=1, difficulty="about_right"
        )
    Plan.objects.filter(patient__in=[no_plan, discharged]).update(status=Plan.Status.ENDED)
    CareTeamLink.objects.filter(patient=discharged).update(ended_at=timezone.now())
    local = timezone.localtime(
        timezone.now(), timezone=__import__("zoneinfo").ZoneInfo("America/New_York")
    )
    start = (local.replace(second=0, microsecond=0) - timezone.timedelta(hours=1)).time()
    end = (local.replace(second=0, microsecond=0) + timezone.timedelta(hours=1)).time()
    outside = (local + timezone.timedelta(hours=3)).strftime("%H:%M")
    choose(quiet, times=(outside,), quiet_start=start, quiet_end=end)
    for patient in (paused, done, no_plan, discharged, quiet):
        make_due(patient)
    return [sent, paused, off, done, no_plan, discharged, quiet, sent2]


def test_batch_rules_decide_exactly_as_the_one_at_a_time_rules(pt):
    patients = _mixed_batch(pt)
    reminders_sweep()
    choose(patients[2], enabled=False)  # turned off after the sweep
    now = timezone.now()
    deliveries = deliveries_pending(
        delivery_ids=list(ReminderDelivery.objects.values_list("id", flat=True))
    )
    batch = reminders_skip_reasons(deliveries=deliveries, now=now)
    one_by_one = {
        d.id: skip_reason(
            patient=ReminderDelivery.objects.get(pk=d.id).patient,
            prefs=getattr(ReminderDelivery.objects.get(pk=d.id).patient, "reminder_settings", None),
            slot_at=d.slot_at,
            now=now,
        )
        for d in deliveries
    }
    assert batch == one_by_one
    by_patient = {d.patient_id: batch[d.id] for d in deliveries}
    assert [by_patient.get(p.pk) for p in patients] == [
        "",
        "paused",
        "off",
        "session_done",
        "no_plan",
        "discharged",
        "quiet_hours",
        "",
    ]


def test_the_batch_sends_and_records_each_outcome(pt, mailbox):
    patients = _mixed_batch(pt)
    reminders_sweep()
    choose(patients[2], enabled=False)  # turned off after the sweep
    ids = list(ReminderDelivery.objects.values_list("id", flat=True))
    assert deliveries_send(delivery_ids=ids) == []
    statuses = dict(ReminderDelivery.objects.values_list("patient__email", "status"))
    assert [statuses.get(p.email) for p in patients] == [
        "sent",
        "skipped",
        "skipped",
        "skipped",
        "skipped",
        "skipped",
        "skipped",
        "sent",
    ]
    assert sorted(m["To"] for m in mailbox.messages) == sorted(
        [patients[0].email, patients[7].email]
    )
    # a duplicated task finds nothing pending and sends nothing more
    assert deliveries_send(delivery_ids=ids) == []
    assert len(mailbox.messages) == 2


def _queries_to_decide(ids: list[int]) -> int:
    with CaptureQueriesContext(connection) as queries:
        reminders_skip_reasons(deliveries=deliveries_pending(delivery_ids=ids), now=timezone.now())
    return len(queries)


def test_the_skip_rules_take_the_same_queries_for_3_or_12_deliveries(pt):
    _due_patients(pt, 3)
    reminders_sweep()
    three = list(ReminderDelivery.objects.values_list("id", flat=True))
    _due_patients(pt, 9, start=3)
    reminders_sweep()
    twelve = list(ReminderDelivery.objects.values_list("id", flat=True))
    assert len(twelve) == 12
    assert _queries_to_decide(three) == _queries_to_decide(twelve) <= 6
