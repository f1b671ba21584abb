"""Reads of progress notes; patients see signed notes only."""

from django.db.models import (
    Prefetch,
    QuerySet,
)
from django.http import Http404

from accounts.models import User
from accounts.selectors import patient_get_for_user
from programs.models import ProgressNote, ProgressNoteVersion
from therapy.permissions import scope_patient_records


def _notes_visible_to(user: User) -> QuerySet[ProgressNote]:
    notes = scope_patient_records(ProgressNote.objects.all(), user=user)
    if user.is_patient:
        notes = notes.filter(status=ProgressNote.Status.SIGNED)
    return notes


def notes_for_patient(*, user: User, patient_id: int) -> list[ProgressNote]:
    """Original notes (addenda attached), newest first. Patients see signed notes only."""
    patient_get_for_user(user=user, patient_id=patient_id)
    addenda = ProgressNote.objects.filter(status=ProgressNote.Status.SIGNED).select_related(
        "author"
    )
    return list(
        _notes_visible_to(user)
        .filter(patient_id=patient_id, amends__isnull=True)
        .select_related("author", "signed_by")
        .prefetch_related(Prefetch("addenda", queryset=addenda.order_by("signed_at")))
        .order_by("-created_at")
    )


def note_get_for_user(*, user: User, note_id: int) -> ProgressNote:
    """One original note; 404 when the user may not see it (a patient and a draft included)."""
    notes = (
        _notes_visible_to(user)
        .filter(amends__isnull=True)
        .select_related("author", "signed_by", "patient", "patient__patient_profile")
        .prefetch_related(
            Prefetch(
                "addenda",
                queryset=ProgressNote.objects.select_related("author").order_by("signed_at"),
            )
        )
    )
    try:
        return notes.get(pk=note_id)
    except ProgressNote.DoesNotExist as exc:
        raise Http404("No such note.") from exc


def note_versions(*, note: ProgressNote) -> list[ProgressNoteVersion]:
    return list(note.versions.select_related("author").order_by("number"))
