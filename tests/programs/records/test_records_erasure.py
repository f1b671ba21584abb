"""Retention and erasure (issue 12, items 4 and 5): a patient with a row of every kind,
closed, swept at both horizons."""

from datetime import timedelta
from io import StringIO

import pytest
from django.conf import settings
from django.core.management import CommandError, call_command
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone

from accounts.models import PatientProfile, User
from programs.models import Alert, Message, ProgressNote, ProgressNoteVersion
from programs.records_map import Retention
from programs.services.records import records_sweep
from tests.conftest import client_for
from tests.factories import PASSWORD, PatientFactory
from tests.programs.records.full_record import (
    audit_rows,
    build_full_record,
    patient_labels,
    rows_of,
)

ACCOUNT = patient_labels(Retention.ACCOUNT)
CLINICAL = patient_labels(Retention.CLINICAL)


def _close(patient: User) -> None:
    response = client_for(patient).post(reverse("security:account-close"), {"password": PASSWORD})
    assert response.status_code == 302


def _counts(labels: list[str], patient_id: int) -> dict[str, int]:
    return {label: rows_of(label, patient_id).count() for label in labels}


@pytest.mark.django_db
def test_a_full_record_is_erased_in_two_steps_and_only_the_audit_facts_remain(
    pt, pt2, patient, patient2
):
    # given: a patient with at least one row of every kind in the records map
    build_full_record(patient=patient, pt=pt)
    build_full_record(patient=patient2, pt=pt2)  # another patient, whose record stays
    before = _counts(ACCOUNT + CLINICAL, patient.pk)
    assert all(before.values()), {k: v for k, v in before.items() if not v}
    email, last_name = patient.email, patient.last_name
    _close(patient)
    closed_at = User.objects.get(pk=patient.pk).closed_at
    other_before = _counts(ACCOUNT + CLINICAL, patient2.pk)
    at_close = _counts(ACCOUNT, patient.pk)
    assert at_close["accounts.apitoken"] == 0  # closing ends every token at once

    # when: the sweep runs within the short horizon, nothing is erased
    early = records_sweep(
        as_of=closed_at + timedelta(days=settings.CLOSED_ACCOUNT_RETENTION_DAYS - 1)
    )
    assert early.ok and not early.account_data_erased
    assert _counts(ACCOUNT, patient.pk) == at_close

    # when: after the short horizon
    short = closed_at + timedelta(days=settings.CLOSED_ACCOUNT_RETENTION_DAYS + 1)
    result = records_sweep(as_of=short)

    # then: only the clinical record remains
    assert result.ok, result.failed
    assert list(result.account_data_erased) == [patient.pk]
    assert _counts(ACCOUNT, patient.pk) == dict.fromkeys(ACCOUNT, 0)
    assert all(_counts(CLINICAL, patient.pk).values()), _counts(CLINICAL, patient.pk)
    assert not ProgressNote.objects.filter(patient=patient, status="draft").exists()
    assert ProgressNote.objects.filter(patient=patient, status="signed").count() == 2
    survivor = User.objects.get(pk=patient.pk)
    assert not survivor.has_usable_password()
    assert PatientProfile.objects.get(user=patient).phone == ""
    assert records_sweep(as_of=short).account_data_erased == {}  # done once

    # when: just before the clinical horizon (10 years after the last activity)
    years = settings.CLINICAL_RECORD_RETENTION_YEARS
    long = short.replace(year=short.year + years)
    assert records_sweep(as_of=long - timedelta(days=60)).clinical_records_erased == {}
    assert User.objects.filter(pk=patient.pk).exists()

    # when: after it
    result = records_sweep(as_of=long)

    # then: nothing of the patient remains but the audit facts
    assert result.ok, result.failed
    assert list(result.clinical_records_erased) == [patient.pk]
    assert _counts(ACCOUNT + CLINICAL, patient.pk) == dict.fromkeys(ACCOUNT + CLINICAL, 0)
    facts = audit_rows(patient.pk)
    actions = set(facts.values_list("action", flat=True))
    assert {"read", "account_closed", "erased"} <= actions
    assert set(facts.filter(action="erased").values_list("object_type", flat=True)) == {
        "records.account_data",
        "records.clinical_record",
    }
    dump = str(list(facts.values_list()))
    assert email not in dump and last_name not in dump
    # and the other patient's record is untouched
    assert _counts(ACCOUNT + CLINICAL, patient2.pk) == other_before


@pytest.mark.django_db
def test_the_clinical_record_stays_locked_while_the_account_is_open(pt, patient):
    build_full_record(patient=patient, pt=pt)
    # the erasure's own switch does not unlock an open account's record
    for model, rows in (
        (ProgressNote, ProgressNote.objects.filter(patient=patient)),
        (ProgressNoteVersion, ProgressNoteVersion.objects.filter(note__patient=patient)),
        (Alert, Alert.objects.filter(patient=patient)),
    ):
        with pytest.raises(IntegrityError), transaction.atomic():
            from django.db import connection

            with connection.cursor() as cursor:
                cursor.execute(
                    "SELECT set_config('psoas.erasing_patient', %s, true)", [str(patient.pk)]
                )
            model.objects.filter(pk__in=rows.values("pk"))._raw_delete("default")


@pytest.mark.django_db
def test_a_patient_that_cannot_be_erased_is_reported_and_the_others_are_erased(
    pt, pt2, patient, patient2
):
    # given: two closed patients past both horizons; the first sent a message into an open
    # account's thread (a row the erasure does not own), so deleting them is refused (PROTECT)
    build_full_record(patient=patient, pt=pt)
    build_full_record(patient=patient2, pt=pt2)
    Message.objects.create(patient=PatientFactory(), sender=patient, body="Wrong thread")
    long_ago = timezone.now() - timedelta(days=365 * 12)
    User.objects.filter(pk__in=[patient.pk, patient2.pk]).update(
        is_active=False, closed_at=long_ago
    )
    as_of = timezone.now() + timedelta(days=366 * settings.CLINICAL_RECORD_RETENTION_YEARS + 30)

    # when: the command runs the sweep
    out, err = StringIO(), StringIO()
    with pytest.raises(CommandError, match="1 patient"):
        call_command("privacy_sweep", "--as-of", as_of.isoformat(), stdout=out, stderr=err)

    # then: the failure is reported, its transaction rolled back, the other erased
    assert f"patient {patient.pk} FAILED: ProtectedError" in err.getvalue()
    assert f"patient {patient2.pk}:" in out.getvalue()
    assert not User.objects.filter(pk=patient2.pk).exists()
    assert User.objects.filter(pk=patient.pk).exists()
    assert rows_of("programs.plan", patient.pk).exists()  # nothing half-erased


@pytest.mark.django_db
def test_the_command_prints_what_it_erased_and_exits_zero(pt, patient):
    build_full_record(patient=patient, pt=pt)
    _close(patient)
    out = StringIO()
    as_of = timezone.now() + timedelta(days=settings.CLOSED_ACCOUNT_RETENTION_DAYS + 1)
    call_command("privacy_sweep", "--as-of", as_of.isoformat(), stdout=out)
    assert "account data erased: 1 patient(s)" in out.getvalue()
    assert "programs.reminderdelivery 1" in out.getvalue()
    with pytest.raises(CommandError):
        call_command("privacy_sweep", "--as-of", "yesterday")


@pytest.mark.django_db
def test_a_closed_account_gets_no_reminders(pt, patient):
    from programs.models import ReminderSettings
    from programs.selectors.reminders import skip_reason

    build_full_record(patient=patient, pt=pt)
    _close(patient)
    patient.refresh_from_db()
    prefs = ReminderSettings.objects.get(patient=patient)
    now = timezone.now()
    assert skip_reason(patient=patient, prefs=prefs, slot_at=now, now=now) == "off"


@pytest.mark.django_db
def test_the_demo_patients_are_erased_without_protected_errors(settings):
    """The issue's reproduction: the demo patient (plan, outcomes, alerts) could not be
    erased ("referenced through protected foreign keys: 'OutcomeResponse.patient',
    'Plan.patient'") and the exception stopped the whole batch."""
    settings.DEBUG = True
    call_command("seed_demo")
    patients = list(User.objects.filter(email__in=["patient@demo.test", "patient2@demo.test"]))
    long_ago = timezone.now() - timedelta(days=40)
    User.objects.filter(pk__in=[p.pk for p in patients]).update(is_active=False, closed_at=long_ago)
    far = timezone.now().replace(
        year=timezone.now().year + settings.CLINICAL_RECORD_RETENTION_YEARS + 1
    )

    result = records_sweep(as_of=far)

    assert result.ok, result.failed
    assert sorted(result.clinical_records_erased) == sorted(p.pk for p in patients)
    assert not User.objects.filter(pk__in=[p.pk for p in patients]).exists()
