"""SOAP progress notes: drafts prefilled with the period's figures, signing, addenda.

A signed note never changes (here, and a database trigger enforces it too); a correction is
an addendum: a new, signed note pointing at the original. Every save keeps a version.
"""

from datetime import date, timedelta

from django.db import transaction
from django.db.models import Avg, Count, Max
from django.utils import timezone

from accounts.models import User
from programs import sessions_schedule
from programs.models import (
    Completion,
    ExerciseSession,
    OutcomeResponse,
    ProgressNote,
    ProgressNoteVersion,
)
from programs.selectors.progress import adherence_for_period
from therapy.errors import ApplicationError
from therapy.permissions import get_patient_record_or_404

DEFAULT_PERIOD_DAYS = 28
SOAP_FIELDS = ("subjective", "objective", "assessment", "plan")
FIELD_MAX = 10_000


def _require_therapist(user: User) -> None:
    if not user.is_therapist:
        raise ApplicationError("Only a physical therapist writes progress notes.")


def _save_version(note: ProgressNote, *, author: User) -> ProgressNoteVersion:
    last = note.versions.aggregate(n=Max("number"))["n"] or 0
    return ProgressNoteVersion.objects.create(
        note=note,
        number=last + 1,
        author=author,
        saved_at=note.updated_at,
        status=note.status,
        subjective=note.subjective,
        objective=note.objective,
        assessment=note.assessment,
        plan=note.plan,
        body=note.body,
    )


def note_period_figures(*, patient: User, start: date, end: date) -> str:
    """The period's adherence, pain and outcome figures as plain lines for the Objective."""

    adherence = adherence_for_period(patient=patient, start=start, end=end)
    prescribed, completed = adherence.prescribed, adherence.completed
    days = ExerciseSession.objects.filter(
        patient=patient, local_date__range=(start, end), completions__isnull=False
    ).aggregate(days=Count("local_date", distinct=True))["days"]
    pain = Completion.objects.filter(
        session__patient=patient, session__local_date__range=(start, end)
    )
    first_week = pain.filter(session__local_date__lt=start + timedelta(days=7)).aggregate(
        avg=Avg("pain")
    )["avg"]
    last_week = pain.filter(session__local_date__gt=end - timedelta(days=7)).aggregate(
        avg=Avg("pain")
    )["avg"]
    lines = [f"Period {start.isoformat()} to {end.isoformat()} ({(end - start).days + 1} days)."]
    if prescribed:
        lines.append(
            f"Adherence: {completed} of {prescribed} prescribed exercise sessions "
            f"({round(100 * completed / prescribed)}%), on {days} active days."
        )
    else:
        lines.append(f"Adherence: no exercise prescribed in the period; {days} active days.")
    if first_week is not None or last_week is not None:
        fmt = lambda v: "no data" if v is None else f"{v:.1f}/10"  # noqa: E731
        lines.append(
            f"Mean pain during exercise: first week {fmt(first_week)}, last week {fmt(last_week)}."
        )
    labels = dict(OutcomeResponse.Measure.choices)
    responses = OutcomeResponse.objects.filter(
        patient=patient, local_date__range=(start, end)
    ).order_by("measure", "answered_at")
    by_measure: dict[str, list[OutcomeResponse]] = {}
    for r in responses:
        by_measure.setdefault(r.measure, []).append(r)
    for measure, rows in by_measure.items():
        scores = ", ".join(f"{r.score} ({r.local_date.isoformat()})" for r in rows)
        lines.append(f"{labels[measure]}: {scores}.")
    return "\n".join(lines)


@transaction.atomic
def note_start_draft(
    *, therapist: User, patient_id: int, period_days: int = DEFAULT_PERIOD_DAYS
) -> ProgressNote:
    """A new draft for a patient on the PT's caseload, its Objective prefilled with figures."""
    _require_therapist(therapist)
    patient = get_patient_record_or_404(
        User.objects.filter(role=User.Role.PATIENT).select_related("patient_profile"),
        user=therapist,
        field="id",
        id=patient_id,
    )
    if not 7 <= period_days <= 366:
        raise ApplicationError(
            "The period is from 7 to 366 days.", errors={"period_days": ["From 7 to 366 days."]}
        )
    end = sessions_schedule.local_today(patient.patient_profile.time_zone)
    start = end - timedelta(days=period_days - 1)
    now = timezone.now()
    note = ProgressNote.objects.create(
        patient=patient,
        author=therapist,
        period_start=start,
        period_end=end,
        objective=note_period_figures(patient=patient, start=start, end=end),
        created_at=now,
        updated_at=now,
    )
    _save_version(note, author=therapist)
    return note


def _note_for_update(*, user: User, note_id: int) -> ProgressNote:
    _require_therapist(user)
    return get_patient_record_or_404(
        ProgressNote.objects.select_for_update(), user=user, pk=note_id
    )


def _clean_text(fields: dict[str, str]) -> dict[str, str]:
    errors = {
        k: [f"At most {FIELD_MAX} characters."] for k, v in fields.items() if len(v) > FIELD_MAX
    }
    if errors:
        raise ApplicationError("Some parts of the note are too long.", errors=errors)
    return {k: v.strip() for k, v in fields.items()}


@transaction.atomic
def note_update_draft(*, user: User, note_id: int, **fields: str) -> ProgressNote:
    note = _note_for_update(user=user, note_id=note_id)
    if note.is_signed:
        raise ApplicationError(
            "This note is signed and cannot change. Add an addendum instead.",
            errors={"status": ["Signed notes are locked."]},
        )
    unknown = set(fields) - set(SOAP_FIELDS)
    if unknown:
        raise ApplicationError(
            "Unknown fields.", errors={k: ["Not a part of a note."] for k in unknown}
        )
    for key, value in _clean_text(fields).items():
        setattr(note, key, value)
    note.updated_at = timezone.now()
    note.save()
    _save_version(note, author=user)
    return note


SIGN_REQUIRED = ("assessment", "plan")


@transaction.atomic
def note_sign(*, user: User, note_id: int, confirm: bool = False, **fields: str) -> ProgressNote:
    """Sign a draft, saving `fields` first when given: both happen or neither.

    Signing needs a non-empty Assessment and Plan, and `confirm=True` (the PT confirmed that
    signing locks the note); otherwise ApplicationError (400) and nothing is saved.
    """
    note = _note_for_update(user=user, note_id=note_id)
    if note.is_signed:
        raise ApplicationError(
            "This note is already signed.", errors={"status": ["Already signed."]}
        )
    fields = _clean_text(fields)
    after = {f: (fields[f] if f in fields else getattr(note, f)) or "" for f in SOAP_FIELDS}
    missing = {f: [f"Write the {f} before signing."] for f in SIGN_REQUIRED if not after[f].strip()}
    if missing:
        raise ApplicationError(
            "A note is signed with its Assessment and Plan written. Nothing was saved.",
            errors=missing,
        )
    if not confirm:
        raise ApplicationError(
            "Confirm the signature: a signed note is locked and the patient can read it.",
            errors={"confirm": ["Confirm that you want to sign and lock this note."]},
        )
    if fields:
        note_update_draft(user=user, note_id=note_id, **fields)
        note.refresh_from_db()
    now = timezone.now()
    note.status = ProgressNote.Status.SIGNED
    note.signed_at = now
    note.signed_by = user
    note.updated_at = now
    note.save()
    _save_version(note, author=user)
    return note


@transaction.atomic
def note_add_addendum(*, user: User, note_id: int, text: str) -> ProgressNote:
    """A correction to a signed note: a new signed note that keeps the original untouched."""
    original = _note_for_update(user=user, note_id=note_id)
    if not original.is_signed:
        raise ApplicationError(
            "A draft is edited, not amended. Addenda are for signed notes.",
            errors={"note": ["The note is still a draft."]},
        )
    if original.is_addendum:
        raise ApplicationError(
            "Add the correction to the original note.", errors={"note": ["This is an addendum."]}
        )
    text = _clean_text({"text": text or ""})["text"]
    if not text:
        raise ApplicationError("Write the correction.", errors={"text": ["Write the correction."]})
    now = timezone.now()
    addendum = ProgressNote.objects.create(
        patient_id=original.patient_id,
        author=user,
        amends=original,
        period_start=original.period_start,
        period_end=original.period_end,
        body=text,
        status=ProgressNote.Status.SIGNED,
        created_at=now,
        updated_at=now,
        signed_at=now,
        signed_by=user,
    )
    _save_version(addendum, author=user)
    return addendum
