"""Progress notes: prefilled drafts, signing locks, addenda keep the original, versions."""

import pytest
from django.db import IntegrityError, transaction
from django.http import Http404

from programs import outcomes_scoring
from programs.models import ProgressNote, ProgressNoteVersion
from programs.selectors.notes import note_get_for_user, notes_for_patient
from programs.services.notes import (
    note_add_addendum,
    note_sign,
    note_start_draft,
    note_update_draft,
)
from programs.services.outcomes import outcome_record
from tests.programs.history import add_day, days_ago, start_plan_on
from therapy.errors import ApplicationError

pytestmark = pytest.mark.django_db


def test_draft_is_prefilled_with_the_periods_figures(patient, plan, pt):
    start_plan_on(patient, plan, days_ago(patient, 20))
    for n in (15, 10, 3):
        add_day(patient, plan, days_ago(patient, n), [4, 2])
    outcome_record(
        patient=patient,
        measure="odi",
        answers={"sections": dict.fromkeys(outcomes_scoring.ODI_KEYS, 2)},
    )
    note = note_start_draft(therapist=pt, patient_id=patient.pk)
    assert note.status == "draft" and (note.period_end - note.period_start).days == 27
    assert "Adherence:" in note.objective
    assert "3 active days" in note.objective
    assert "Mean pain during exercise" in note.objective
    assert "Oswestry Disability Index: 40.0" in note.objective


def test_lifecycle_draft_edit_sign_lock_addendum(patient, plan, pt):
    note = note_start_draft(therapist=pt, patient_id=patient.pk)
    note_update_draft(user=pt, note_id=note.pk, subjective="Sitting is easier.")
    note_sign(user=pt, note_id=note.pk, assessment="Improving.", plan="Continue.", confirm=True)
    note.refresh_from_db()
    assert note.is_signed and note.signed_by == pt and note.assessment == "Improving."

    # a signed note cannot change, be signed twice, or be edited through the service
    with pytest.raises(ApplicationError):
        note_update_draft(user=pt, note_id=note.pk, subjective="rewrite")
    with pytest.raises(ApplicationError) as exc:
        note_sign(user=pt, note_id=note.pk)
    assert "already signed" in exc.value.message

    addendum = note_add_addendum(user=pt, note_id=note.pk, text="Pain was 3/10, not 4/10.")
    note.refresh_from_db()
    assert note.subjective == "Sitting is easier."  # the original stays
    assert addendum.amends == note and addendum.is_signed
    numbers = list(note.versions.values_list("number", "status", "author"))
    assert numbers == [
        (1, "draft", pt.pk),
        (2, "draft", pt.pk),
        (3, "draft", pt.pk),
        (4, "signed", pt.pk),
    ]


def test_the_database_refuses_to_change_a_signed_note_or_a_version(patient, pt):
    note = note_start_draft(therapist=pt, patient_id=patient.pk)
    note_sign(user=pt, note_id=note.pk, assessment="Stable.", plan="Continue.", confirm=True)
    with pytest.raises(IntegrityError), transaction.atomic():
        ProgressNote.objects.filter(pk=note.pk).update(plan="Stop.")
    with pytest.raises(IntegrityError), transaction.atomic():
        ProgressNote.objects.filter(pk=note.pk).delete()
    with pytest.raises(IntegrityError), transaction.atomic():
        ProgressNoteVersion.objects.filter(note=note).update(plan="Stop.")
    note.refresh_from_db()
    assert note.plan == "Continue."


def test_addendum_to_a_draft_and_empty_sign_are_refused(patient, pt):
    note = note_start_draft(therapist=pt, patient_id=patient.pk)
    with pytest.raises(ApplicationError) as exc:
        note_add_addendum(user=pt, note_id=note.pk, text="correction")
    assert "draft" in exc.value.message
    note_update_draft(user=pt, note_id=note.pk, objective="")
    with pytest.raises(ApplicationError):
        note_sign(user=pt, note_id=note.pk)
    note.refresh_from_db()
    assert note.status == "draft"
    assert ProgressNote.objects.filter(patient=patient).count() == 1


def test_sign_with_changes_is_all_or_nothing(patient, pt):
    note = note_start_draft(therapist=pt, patient_id=patient.pk)
    with pytest.raises(ApplicationError):
        note_sign(user=pt, note_id=note.pk, subjective="x" * 10_001)
    note.refresh_from_db()
    assert note.status == "draft" and note.versions.count() == 1


def test_patient_reads_signed_notes_only_and_others_get_404(patient, patient2, pt, pt2):
    draft = note_start_draft(therapist=pt, patient_id=patient.pk)
    signed = note_start_draft(therapist=pt, patient_id=patient.pk)
    note_sign(user=pt, note_id=signed.pk, assessment="A.", plan="P.", confirm=True)
    assert [n.pk for n in notes_for_patient(user=patient, patient_id=patient.pk)] == [signed.pk]
    assert note_get_for_user(user=patient, note_id=signed.pk) == signed
    with pytest.raises(Http404):
        note_get_for_user(user=patient, note_id=draft.pk)
    with pytest.raises(Http404):
        note_get_for_user(user=patient2, note_id=signed.pk)
    with pytest.raises(Http404):
        note_get_for_user(user=pt2, note_id=signed.pk)
    with pytest.raises(Http404):
        note_start_draft(therapist=pt2, patient_id=patient.pk)
    with pytest.raises(Http404):
        notes_for_patient(user=patient2, patient_id=patient.pk)


def test_signing_needs_assessment_plan_and_confirmation(patient, pt):
    # defect: a note signed and locked with Subjective, Assessment and Plan all empty
    note = note_start_draft(therapist=pt, patient_id=patient.pk)
    with pytest.raises(ApplicationError) as exc:
        note_sign(user=pt, note_id=note.pk, subjective="Some words.", confirm=True)
    assert set(exc.value.errors) == {"assessment", "plan"}
    with pytest.raises(ApplicationError) as exc:
        note_sign(user=pt, note_id=note.pk, assessment="A.", plan=" ", confirm=True)
    assert set(exc.value.errors) == {"plan"}
    with pytest.raises(ApplicationError) as exc:
        note_sign(user=pt, note_id=note.pk, assessment="A.", plan="P.")
    assert set(exc.value.errors) == {"confirm"}
    note.refresh_from_db()
    assert note.status == "draft" and note.subjective == "" and note.versions.count() == 1
    note_sign(user=pt, note_id=note.pk, assessment="A.", plan="P.", confirm=True)
    note.refresh_from_db()
    assert note.is_signed


def test_the_page_refuses_signing_without_assessment_with_a_form_message(patient, pt):
    from django.urls import reverse

    from tests.conftest import client_for

    note = note_start_draft(therapist=pt, patient_id=patient.pk)
    url = reverse("programs:note", args=[note.pk])
    data = {"subjective": "S", "objective": "O", "assessment": "", "plan": "P"}
    response = client_for(pt).post(url, {**data, "action": "sign", "confirm": "yes"})
    assert response.status_code == 400
    assert "Write the assessment before signing." in response.content.decode()
    note.refresh_from_db()
    assert note.status == "draft" and note.subjective == "" and note.versions.count() == 1
