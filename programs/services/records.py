"""Writes to a patient's whole record: the retention sweep that erases closed accounts, and a
FHIR CarePlan imported as a plan.

Retention (docs/security.md, programs/records_map.py): after CLOSED_ACCOUNT_RETENTION_DAYS the
account data of a closed account goes (reminders, tokens, second factors, enrolment, rollups,
read markers, unsigned drafts, the phone number and the password); the clinical record and the
person go CLINICAL_RECORD_RETENTION_YEARS after the last activity. Each patient is erased in a
transaction of their own: one that fails is rolled back, logged, tried again at the end of the
run and on the next run, and never stops the others. The audit keeps an `erased` fact.
"""

import logging
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.db import connection, transaction
from django.utils import timezone

from accounts.models import CareTeamLink, Invitation, PatientProfile, User
from accounts.services.audit import Action, audit_record
from accounts.services.privacy import account_data_erase, account_delete
from programs import records_fhir
from programs.models import (
    Alert,
    Completion,
    Exercise,
    ExerciseSession,
    Intake,
    Message,
    OutcomeResponse,
    Plan,
    PlanItem,
    PlanVersion,
    ProgressionSettings,
    ProgressionSuggestion,
    ProgressNote,
    ProgressNoteVersion,
    PushSubscription,
    ReminderDelivery,
    ReminderSchedule,
    ReminderSettings,
    ThreadReadState,
    Visit,
    VisitReminder,
)
from programs.models.caseload import PatientSummary
from programs.selectors.records import closed_patients_due, records_last_activity
from programs.services.plans import ItemSpec, plan_replace_items
from therapy.errors import ApplicationError

logger = logging.getLogger(__name__)

ACCOUNT_DATA = "records.account_data"
CLINICAL_RECORD = "records.clinical_record"


# --- erasure --------------------------------------------------------------------------------
def _allow_record_deletes(patient_id: int) -> None:
    """Signed notes, note versions and alerts refuse DELETE in the database (migration
    programs 0007): the triggers let it through only for the patient named here, in this
    transaction, and only when that account is closed."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT set_config('psoas.erasing_patient', %s, true)", [str(patient_id)]
            )


def _add(counts: dict[str, int], deleted: dict[str, int]) -> None:
    for label, n in deleted.items():
        if n:
            counts[label.lower()] = counts.get(label.lower(), 0) + n


def _delete_notes(notes: Any, counts: dict[str, int]) -> None:
    """Notes and their versions; addenda before the notes they amend (PROTECT)."""
    _add(counts, ProgressNoteVersion.objects.filter(note__in=notes).delete()[1])
    while notes.exists():
        _add(counts, notes.filter(addenda__isnull=True).delete()[1])


def patient_account_data_erase(*, patient_id: int, now: datetime) -> dict[str, int]:
    """The short horizon: everything about a closed patient that is not the clinical record."""
    counts: dict[str, int] = {}
    with transaction.atomic():
        patient = (
            User.objects.select_for_update()
            .filter(pk=patient_id, is_active=False, closed_at__isnull=False)
            .first()
        )
        if patient is None or patient.account_data_erased_at is not None:
            return counts
        _allow_record_deletes(patient.pk)
        for queryset in (
            ReminderDelivery.objects.filter(patient=patient),
            PushSubscription.objects.filter(patient=patient),
            ReminderSchedule.objects.filter(patient=patient),
            ReminderSettings.objects.filter(patient=patient),
            VisitReminder.objects.filter(visit__patient=patient),
            VisitReminder.objects.filter(recipient=patient),
            ThreadReadState.objects.filter(patient=patient),
            ThreadReadState.objects.filter(user=patient),
            PatientSummary.objects.filter(patient=patient),
            Invitation.objects.filter(accepted_user=patient),
        ):
            _add(counts, queryset.delete()[1])
        _delete_notes(
            ProgressNote.objects.filter(patient=patient, status=ProgressNote.Status.DRAFT), counts
        )
        _add(counts, account_data_erase(patient=patient, now=now))
        audit_record(
            request_or_actor=None,
            patient_id=patient.pk,
            action=Action.ERASED,
            object_type=ACCOUNT_DATA,
        )
    return counts


def patient_clinical_record_erase(*, patient_id: int) -> dict[str, int]:
    """The long horizon: the clinical record, then the person. Children before parents, so
    that no PROTECT foreign key is left pointing at a row being deleted."""
    counts: dict[str, int] = {}
    with transaction.atomic():
        patient = (
            User.objects.select_for_update()
            .filter(pk=patient_id, is_active=False, closed_at__isnull=False)
            .first()
        )
        if patient is None:
            return counts
        _allow_record_deletes(patient.pk)
        if patient.account_data_erased_at is None:  # both horizons at once
            _add(counts, patient_account_data_erase(patient_id=patient.pk, now=timezone.now()))
        Plan.objects.filter(patient=patient).update(current_version=None)
        for queryset in (
            ProgressionSuggestion.objects.filter(patient=patient),
            ProgressionSettings.objects.filter(patient=patient),
            Completion.objects.filter(session__patient=patient),
            ExerciseSession.objects.filter(patient=patient),
            PlanItem.objects.filter(version__plan__patient=patient),
            PlanVersion.objects.filter(plan__patient=patient),
            Plan.objects.filter(patient=patient),
            OutcomeResponse.objects.filter(patient=patient),
            Intake.objects.filter(patient=patient),
            Alert.objects.filter(patient=patient),
            Message.objects.filter(patient=patient),
            VisitReminder.objects.filter(visit__patient=patient),
            Visit.objects.filter(patient=patient),
            CareTeamLink.objects.filter(patient=patient),
            PatientProfile.objects.filter(user=patient),
        ):
            _add(counts, queryset.delete()[1])
        _delete_notes(ProgressNote.objects.filter(patient=patient), counts)
        _add(counts, account_delete(patient=patient))
        audit_record(
            request_or_actor=None,
            patient_id=patient_id,
            action=Action.ERASED,
            object_type=CLINICAL_RECORD,
        )
    return counts


@dataclass
class SweepResult:
    account_data_erased: dict[int, dict[str, int]] = field(default_factory=dict)
    clinical_records_erased: dict[int, dict[str, int]] = field(default_factory=dict)
    failed: dict[int, str] = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        return not self.failed


def _attempt(result: SweepResult, patient_id: int, step: Any, into: dict) -> bool:
    try:
        counts = step()
    except Exception as exc:  # one patient's failure must not stop the others
        logger.exception("privacy sweep: erasing patient %s failed", patient_id)
        result.failed[patient_id] = f"{type(exc).__name__}: {exc}"[:500]
        return False
    result.failed.pop(patient_id, None)
    if counts:
        into[patient_id] = counts
    return True


def _years_before(moment: datetime, years: int) -> datetime:
    try:
        return moment.replace(year=moment.year - years)
    except ValueError:  # 29 February
        return moment.replace(year=moment.year - years, day=28)


def records_sweep(*, as_of: datetime | None = None) -> SweepResult:
    """Erase what retention says is due at `as_of`. Safe to run again: erased rows are gone,
    and a patient that failed is retried once at the end and again on the next run."""
    now = as_of or timezone.now()
    result = SweepResult()
    short_cutoff = now - timedelta(days=settings.CLOSED_ACCOUNT_RETENTION_DAYS)
    long_cutoff = _years_before(now, settings.CLINICAL_RECORD_RETENTION_YEARS)

    def long_due(patient_id: int) -> bool:
        patient = User.objects.filter(pk=patient_id).first()
        last = records_last_activity(patient=patient) if patient else None
        return last is not None and last < long_cutoff

    jobs: list[tuple[int, Any, dict]] = []
    # The clinical record goes only once both horizons have passed: a deployment keeping it for
    # fewer years than the account-data window still keeps it for that window (the safer side).
    both_cutoff = min(long_cutoff, short_cutoff)
    for patient_id in closed_patients_due(closed_before=both_cutoff, account_data_kept=False):
        if long_due(patient_id):
            jobs.append(
                (
                    patient_id,
                    lambda pid=patient_id: patient_clinical_record_erase(patient_id=pid),
                    result.clinical_records_erased,
                )
            )
    long_ids = {job[0] for job in jobs}
    for patient_id in closed_patients_due(closed_before=short_cutoff, account_data_kept=True):
        if patient_id not in long_ids:
            jobs.append(
                (
                    patient_id,
                    lambda pid=patient_id: patient_account_data_erase(patient_id=pid, now=now),
                    result.account_data_erased,
                )
            )
    retry = [job for job in jobs if not _attempt(result, *job)]
    for job in retry:
        _attempt(result, *job)
    return result


# --- a FHIR CarePlan imported as a plan -------------------------------------------------------
def plan_import_careplan(*, therapist: User, patient: User, careplan: Any) -> Plan:
    """Make the CarePlan's prescription the patient's plan (a new version, or a new plan when
    they have none). Anything wrong, and nothing changes: ApplicationError names the element."""
    try:
        imported = records_fhir.careplan_items(careplan)
    except records_fhir.CarePlanError as exc:
        raise ApplicationError(
            f"The CarePlan is not valid: {exc.element}: {exc.message}",
            errors={exc.element: [exc.message]},
        ) from exc
    exercises = {
        e.slug: e
        for e in Exercise.objects.filter(slug__in=[i.slug for i in imported], is_active=True)
    }
    errors: dict[str, list[str]] = {}
    specs: list[ItemSpec] = []
    for item in imported:
        exercise = exercises.get(item.slug)
        if exercise is None:
            errors[f"{item.element}.code"] = [
                f"The exercise library has no exercise “{item.slug}”."
            ]
            continue
        spec = ItemSpec(
            exercise_id=exercise.pk,
            sets=item.sets,
            reps=item.reps,
            hold_seconds=item.hold_seconds,
            per_side=item.per_side,
            sessions_per_week=item.sessions_per_week,
            note=item.note,
        )
        for messages in spec.validate(0).values():
            errors.setdefault(f"{item.element}.extension", []).extend(messages)
        specs.append(spec)
    if len({s.exercise_id for s in specs}) != len(specs):
        errors.setdefault("CarePlan.activity", []).append(
            "Each exercise can appear only once in a plan."
        )
    if errors:
        element = next(iter(errors))
        raise ApplicationError(
            f"The CarePlan is not valid: {element}: {errors[element][0]}", errors=errors
        )
    return plan_replace_items(
        therapist=therapist,
        patient=patient,
        items=specs,
        reason="Your physical therapist imported your program.",
    )
