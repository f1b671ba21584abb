"""Suggestions from the rules, the PT's decisions and the safety rails (docs/progression.md)."""

import pytest

from programs.models import Alert, PlanVersion, ProgressionSuggestion
from programs.services.plans import ItemSpec, plan_tailor
from programs.services.progression import (
    DoseEdit,
    progression_check,
    progression_settings_set,
    suggestion_accept,
    suggestion_decline,
    suggestion_headline,
)
from therapy.errors import ApplicationError, ConflictError

Status = ProgressionSuggestion.Status


def test_an_improver_gets_one_advance_of_one_step_and_a_second_run_adds_nothing(
    improver, patient
) -> None:
    # when
    made = progression_check(patient_ids=[patient.pk])
    again = progression_check(patient_ids=[patient.pk])
    # then
    assert len(made) == 1 and again == []
    suggestion = ProgressionSuggestion.objects.get()
    assert suggestion.direction == "advance" and suggestion.is_pending
    assert suggestion_headline(suggestion) == "Glute bridge: 2 x 10 -> 3 x 10"
    assert "sessions done, pain 1-2" in suggestion.reason
    assert suggestion.inputs["baseline_pain"] == 2
    assert suggestion.inputs["completed"] == suggestion.inputs["prescribed"]


def test_a_flaring_patient_gets_a_regress_never_an_advance(flaring, patient) -> None:
    progression_check(patient_ids=[patient.pk])
    suggestion = ProgressionSuggestion.objects.get()
    assert suggestion.direction == "regress"
    assert "easier" in suggestion.patient_reason


@pytest.mark.parametrize(
    ("kind", "severity"),
    [(Alert.Kind.RED_FLAG, Alert.Severity.URGENT), (Alert.Kind.PAIN_UP, Alert.Severity.URGENT)],
)
def test_no_suggestion_while_a_red_flag_or_urgent_alert_is_open(
    improver, patient, pt, kind, severity
) -> None:
    alert = Alert.objects.create(patient=patient, kind=kind, severity=severity)
    assert progression_check(patient_ids=[patient.pk]) == []
    assert not ProgressionSuggestion.objects.exists()
    # once a PT has looked, the rules speak again
    Alert.objects.filter(pk=alert.pk).update(
        acknowledged_at=alert.opened_at, acknowledged_by=pt, acknowledgement_note="Called."
    )
    assert len(progression_check(patient_ids=[patient.pk])) == 1


def test_a_routine_alert_does_not_stop_progression(improver, patient) -> None:
    Alert.objects.create(patient=patient, kind=Alert.Kind.INACTIVE, severity=Alert.Severity.ROUTINE)
    assert len(progression_check(patient_ids=[patient.pk])) == 1


def test_accept_makes_a_version_attributed_to_the_suggestion_with_the_why(
    improver, patient, pt
) -> None:
    progression_check(patient_ids=[patient.pk])
    suggestion = ProgressionSuggestion.objects.get()
    before = improver.current_version.number
    # when
    version = suggestion_accept(therapist=pt, suggestion=suggestion, expected_version=before)
    # then
    suggestion.refresh_from_db()
    assert version.number == before + 1 and version.created_by == pt
    assert suggestion.status == Status.ACCEPTED and suggestion.decided_by == pt
    assert suggestion.applied_version == version and version.from_suggestion == suggestion
    bridge = version.items.get(exercise__slug="glute-bridge")
    assert (bridge.sets, bridge.reps) == (3, 10)
    lines = version.change_lines()
    assert lines[0].startswith("Glute bridge: now 3 x 10")
    assert lines[-1].startswith("Why: You did ") and "small step up" in lines[-1]
    # a second click changes nothing
    with pytest.raises(ConflictError):
        suggestion_accept(therapist=pt, suggestion=suggestion, expected_version=before)
    assert PlanVersion.objects.filter(plan=improver).count() == before + 1


def test_decline_keeps_the_plan_and_the_same_version_is_not_suggested_again(
    improver, patient, pt
) -> None:
    progression_check(patient_ids=[patient.pk])
    suggestion = ProgressionSuggestion.objects.get()
    suggestion_decline(
        therapist=pt, suggestion=suggestion, expected_version=improver.current_version.number
    )
    suggestion.refresh_from_db()
    assert suggestion.status == Status.DECLINED and suggestion.applied_version is None
    assert progression_check(patient_ids=[patient.pk]) == []
    assert improver.versions.count() == 1


def test_an_edit_may_not_take_a_bigger_step(improver, patient, pt) -> None:
    progression_check(patient_ids=[patient.pk])
    suggestion = ProgressionSuggestion.objects.get()
    number = improver.current_version.number
    with pytest.raises(ApplicationError, match="smaller"):
        suggestion_accept(
            therapist=pt,
            suggestion=suggestion,
            expected_version=number,
            edit=DoseEdit(sets=4, reps=10),
        )
    with pytest.raises(ApplicationError, match="smaller"):
        suggestion_accept(
            therapist=pt,
            suggestion=suggestion,
            expected_version=number,
            edit=DoseEdit(sets=3, reps=12),
        )
    suggestion.refresh_from_db()
    assert suggestion.is_pending and improver.versions.count() == 1


def test_a_stale_suggestion_is_refused_and_then_superseded(improver, patient, pt) -> None:
    progression_check(patient_ids=[patient.pk])
    suggestion = ProgressionSuggestion.objects.get()
    current = improver.current_version
    specs = [ItemSpec.from_item(i) for i in current.items.order_by("order")]
    specs[0] = ItemSpec(**{**specs[0].__dict__, "note": "Slow on the way down."})
    plan_tailor(therapist=pt, plan=improver, expected_version=current.number, items=specs)
    with pytest.raises(ConflictError):
        suggestion_accept(therapist=pt, suggestion=suggestion, expected_version=current.number)
    progression_check(patient_ids=[patient.pk])
    suggestion.refresh_from_db()
    assert suggestion.status == Status.SUPERSEDED


def test_a_suggestion_of_more_than_one_step_cannot_be_applied(improver, patient, pt) -> None:
    progression_check(patient_ids=[patient.pk])
    # a tampered row (or a rule bug) two steps up: sets +1 and reps +2 at once
    ProgressionSuggestion.objects.update(to_reps=12)
    suggestion = ProgressionSuggestion.objects.get()
    with pytest.raises(ApplicationError, match="more than one step"):
        suggestion_accept(
            therapist=pt, suggestion=suggestion, expected_version=improver.current_version.number
        )
    assert improver.versions.count() == 1


def test_accept_is_refused_while_a_red_flag_is_open(improver, patient, pt) -> None:
    progression_check(patient_ids=[patient.pk])
    suggestion = ProgressionSuggestion.objects.get()
    Alert.objects.create(patient=patient, kind=Alert.Kind.RED_FLAG, severity=Alert.Severity.URGENT)
    with pytest.raises(ApplicationError, match="red flag"):
        suggestion_accept(
            therapist=pt, suggestion=suggestion, expected_version=improver.current_version.number
        )


def test_auto_apply_applies_advances_as_the_pt_who_switched_it_on(improver, patient, pt) -> None:
    progression_settings_set(therapist=pt, patient=patient, auto_apply_advances=True)
    progression_check(patient_ids=[patient.pk])
    suggestion = ProgressionSuggestion.objects.get()
    assert suggestion.status == Status.AUTO_APPLIED and suggestion.decided_by is None
    improver.refresh_from_db()
    assert improver.current_version == suggestion.applied_version
    assert improver.current_version.created_by == pt
    # the next check works on the new version: the window of the new dose is empty
    assert progression_check(patient_ids=[patient.pk]) == []


def test_auto_apply_never_applies_a_regress(flaring, patient, pt) -> None:
    progression_settings_set(therapist=pt, patient=patient, auto_apply_advances=True)
    progression_check(patient_ids=[patient.pk])
    suggestion = ProgressionSuggestion.objects.get()
    assert suggestion.direction == "regress" and suggestion.is_pending
    assert flaring.versions.count() == 1
