import pytest

from programs.models import Completion, ExerciseSession, PlanVersion
from programs.services.plans import (
    ItemSpec,
    plan_mark_changes_seen,
    plan_swap_exercise,
    plan_tailor,
)
from programs.services.sessions import completion_record
from therapy.errors import ApplicationError, ConflictError


def _specs(plan):
    return [ItemSpec.from_item(i) for i in plan.current_version.items.order_by("order")]


@pytest.mark.django_db
def test_assigning_the_template_makes_version_one(plan, psoas):
    assert plan.current_version.number == 1
    assert plan.current_version.items.count() == psoas.items.count() >= 8


@pytest.mark.django_db
def test_tailoring_makes_a_new_version_and_says_what_changed(plan, pt, bridge):
    specs = [
        ItemSpec(**{**s.__dict__, "sets": 3, "reps": 12}) if s.exercise_id == bridge.pk else s
        for s in _specs(plan)
    ]
    version = plan_tailor(therapist=pt, plan=plan, expected_version=1, items=specs)
    assert version.number == 2
    assert version.created_by == pt
    assert "Glute bridge: now 3 x 12, 5x a week (was 2 x 10, 5x a week)." in version.change_lines()
    assert version.items.get(exercise=bridge).dosage_text() == "3 x 12"
    # version 1 is unchanged
    assert PlanVersion.objects.get(plan=plan, number=1).items.get(exercise=bridge).sets == 2


@pytest.mark.django_db
def test_sessions_keep_the_version_the_patient_did(plan, pt, patient, bridge):
    completion_record(patient=patient, exercise_id=bridge.pk, pain=2, difficulty="about_right")
    specs = [
        ItemSpec(**{**s.__dict__, "sets": 3}) if s.exercise_id == bridge.pk else s
        for s in _specs(plan)
    ]
    plan_tailor(therapist=pt, plan=plan, expected_version=1, items=specs)
    session = ExerciseSession.objects.get(patient=patient)
    assert session.plan_version.number == 1
    assert Completion.objects.get().plan_item.sets == 2


@pytest.mark.django_db
def test_a_stale_editor_is_told_and_nothing_is_saved(plan, pt, pt2, bridge):
    specs = _specs(plan)
    plan_tailor(therapist=pt, plan=plan, expected_version=1, items=specs[1:])
    with pytest.raises(ConflictError, match="while you were editing"):
        plan_tailor(therapist=pt, plan=plan, expected_version=1, items=specs[:-1])
    assert plan.versions.count() == 2


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"sets": 0}, "Sets must be between 1 and 10"),
        ({"reps": 10000}, "Repetitions must be between 1 and 50"),
        ({"reps": None, "hold_seconds": 121}, "A hold can be at most 120 seconds"),
        ({"sessions_per_week": 8}, "Sessions per week must be between 1 and 7"),
        ({"hold_seconds": 30}, "either reps or a hold time"),
    ],
)
def test_absurd_dosages_are_refused_whole(plan, pt, bridge, change, message):
    specs = [
        ItemSpec(**{**s.__dict__, **change}) if s.exercise_id == bridge.pk else s
        for s in _specs(plan)
    ]
    with pytest.raises(ApplicationError) as info:
        plan_tailor(therapist=pt, plan=plan, expected_version=1, items=specs)
    assert message in str(info.value.errors)
    assert plan.versions.count() == 1


@pytest.mark.django_db
def test_swap_to_the_harder_variant_in_one_call(plan, pt, bridge):
    version = plan_swap_exercise(
        therapist=pt, plan=plan, expected_version=1, exercise_id=bridge.pk, direction="harder"
    )
    slugs = list(version.items.values_list("exercise__slug", flat=True))
    assert "single-leg-glute-bridge" in slugs
    assert "glute-bridge" not in slugs
    assert any("Added Single-leg glute bridge" in line for line in version.change_lines())


@pytest.mark.django_db
def test_patient_sees_unseen_changes_once(plan, pt, patient, bridge):
    assert [v.number for v in plan_mark_changes_seen(patient=patient, plan=plan)] == [1]
    assert plan_mark_changes_seen(patient=patient, plan=plan) == []


@pytest.mark.django_db
def test_completion_rules(plan, patient, bridge):
    with pytest.raises(ApplicationError):
        completion_record(patient=patient, exercise_id=bridge.pk, pain=11, difficulty="about_right")
    completion_record(patient=patient, exercise_id=bridge.pk, pain=3, difficulty="too_hard")
    with pytest.raises(ApplicationError, match="already marked done"):
        completion_record(patient=patient, exercise_id=bridge.pk, pain=3, difficulty="too_hard")
    from programs.models import Exercise

    outside = Exercise.objects.get(slug="single-leg-glute-bridge")
    with pytest.raises(ApplicationError, match="not in today's plan"):
        completion_record(patient=patient, exercise_id=outside.pk, pain=1, difficulty="too_easy")
    assert Completion.objects.count() == 1


@pytest.mark.django_db
def test_a_stale_swap_is_a_conflict_even_when_the_exercise_is_gone(plan, pt, bridge):
    # given the bridge was already swapped for its progression (version 2)
    plan_swap_exercise(
        therapist=pt, plan=plan, expected_version=1, exercise_id=bridge.pk, direction="harder"
    )
    # when a second PT, still looking at version 1, clicks the same swap
    from programs.models import Plan

    with pytest.raises(ConflictError):
        plan_swap_exercise(
            therapist=pt,
            plan=Plan.objects.get(pk=plan.pk),
            expected_version=1,
            exercise_id=bridge.pk,
            direction="harder",
        )
    assert PlanVersion.objects.filter(plan=plan).count() == 2
