"""Today's cards: their fixed part (dose, how-to steps, safety cues, timer, the form's opening
and button) is rendered once per process for each content (programs/views/sessions.py,
card_fixed). That is a cache of clinical content, so every way a plan or an exercise can change
has a test here: the page is read once (filling the cache), the change is made, and the page
read again must show it. Each test fails if the cache's key misses the change."""

import re
from dataclasses import fields, replace
from datetime import timedelta
from pathlib import Path

import pytest
from django.conf import settings
from django.test import override_settings
from django.urls import reverse
from django.utils import translation

from programs import sessions_schedule
from programs.models import Exercise, Plan, PlanItem, ProgressionSuggestion
from programs.services.plans import ItemSpec, plan_swap_exercise, plan_tailor
from programs.services.progression import progression_check, suggestion_accept
from programs.views.sessions import CardContent, card_fixed
from tests.conftest import client_for
from tests.programs.history import local_today, start_plan_on
from tests.programs.progression.history import item_of, two_easy_weeks_of_bridges

pytestmark = pytest.mark.django_db

TIMES = "\u00d7"  # the dose line's multiplication sign


def _page(patient) -> str:
    response = client_for(patient).get(reverse("programs:today"))
    assert response.status_code == 200
    return response.content.decode()


def _card(page: str, exercise_id: int) -> str:
    """One card's HTML, from its <li> to the next card or the end of its list."""
    start = page.index(f'id="exercise-{exercise_id}"')
    ends = [page.find(s, start) for s in ('<li class="card exercise-card', "</ol>\n")]
    return page[start : min(e for e in ends if e != -1)]


def _specs(plan: Plan) -> list[ItemSpec]:
    plan.refresh_from_db()
    return [ItemSpec.from_item(i) for i in plan.current_version.items.order_by("order")]


def _tailor(pt, plan: Plan, specs: list[ItemSpec]) -> None:
    plan_tailor(therapist=pt, plan=plan, expected_version=plan.current_version.number, items=specs)
    plan.refresh_from_db()


def _item(plan: Plan, *, hold: bool) -> PlanItem:
    items = plan.current_version.items.select_related("exercise").order_by("order")
    return next(i for i in items if (i.hold_seconds is not None) == hold)


def _with(specs: list[ItemSpec], exercise_id: int, **changes: object) -> list[ItemSpec]:
    return [replace(s, **changes) if s.exercise_id == exercise_id else s for s in specs]


def test_the_pt_changing_sets_shows(patient, plan, pt):
    item = _item(plan, hold=False)
    sets = item.sets % 5 + 1
    assert f"{item.sets} {TIMES} {item.reps}" in _card(_page(patient), item.exercise_id)
    # when the PT changes the sets only
    _tailor(pt, plan, _with(_specs(plan), item.exercise_id, sets=sets))
    # then the dose line and the set counter say the new number
    after = _card(_page(patient), item.exercise_id)
    assert f'<span class="dose-big">{sets} {TIMES} {item.reps}</span>' in after
    assert f'data-sets="{sets}"' in after


def test_the_pt_changing_reps_shows(patient, plan, pt):
    item = _item(plan, hold=False)
    reps = item.reps % 20 + 3
    _page(patient)
    _tailor(pt, plan, _with(_specs(plan), item.exercise_id, reps=reps))
    after = _card(_page(patient), item.exercise_id)
    assert f'<span class="dose-big">{item.sets} {TIMES} {reps}</span>' in after
    assert f"of {reps} reps" in after


def test_the_pt_changing_a_hold_shows(patient, plan, pt):
    item = _item(plan, hold=True)
    seconds = item.hold_seconds % 60 + 5
    _page(patient)
    _tailor(pt, plan, _with(_specs(plan), item.exercise_id, hold_seconds=seconds))
    after = _card(_page(patient), item.exercise_id)
    assert f"{item.sets} {TIMES} {seconds} s" in after and f"a {seconds} second hold" in after
    assert f'data-seconds="{seconds}"' in after and f"Start {seconds} second hold timer" in after


def test_the_pt_changing_reps_to_a_hold_swaps_the_counter_for_a_timer(patient, plan, pt):
    item = _item(plan, hold=False)
    assert "data-set-counter" in _card(_page(patient), item.exercise_id)
    _tailor(pt, plan, _with(_specs(plan), item.exercise_id, reps=None, hold_seconds=20))
    after = _card(_page(patient), item.exercise_id)
    assert "data-hold-timer" in after and "data-set-counter" not in after
    assert "Start 20 second hold timer" in after


def test_the_pt_changing_each_side_shows(patient, plan, pt):
    item = _item(plan, hold=False)
    _page(patient)
    _tailor(pt, plan, _with(_specs(plan), item.exercise_id, per_side=not item.per_side))
    after = _card(_page(patient), item.exercise_id)
    assert (", each side" in after) is (not item.per_side)
    assert f'data-sides="{2 if not item.per_side else 1}"' in after


def _in_extra(page: str, exercise_id: int) -> bool:
    extra = page.find('id="extra-heading"')
    return extra != -1 and page.index(f'id="exercise-{exercise_id}"') > extra


def test_the_pt_changing_the_frequency_moves_the_card(patient, plan, pt):
    # given a plan started today, every exercise due every day
    start_plan_on(patient, plan, local_today(patient))
    item = _item(plan, hold=False)
    assert not _in_extra(_page(patient), item.exercise_id)
    # when the PT makes it once a week
    _tailor(pt, plan, _with(_specs(plan), item.exercise_id, sessions_per_week=1))
    # then it is due today only if once a week falls today
    since = sessions_schedule.plan_start_day(plan.created_at, patient.patient_profile.time_zone)
    due = sessions_schedule.is_due(local_today(patient), 1, set(), since)
    assert _in_extra(_page(patient), item.exercise_id) is (not due)


def test_the_pt_adding_and_removing_an_exercise_shows(patient, plan, pt):
    specs = _specs(plan)
    in_plan = {s.exercise_id for s in specs}
    new = Exercise.objects.exclude(id__in=in_plan).filter(is_active=True).first()
    _page(patient)
    # when one is added and the first removed
    _tailor(pt, plan, [*specs[1:], ItemSpec.from_exercise(new)])
    page = _page(patient)
    # then the new card is there, with its own words, and the removed one is gone
    card = _card(page, new.pk)
    assert f"Mark {new.name} done" in card and new.instruction_steps()[0] in card
    assert f'id="exercise-{specs[0].exercise_id}"' not in page


def test_the_pt_reordering_moves_the_cards_and_only_the_first_loads_eagerly(patient, plan, pt):
    # given every exercise due today, in the plan's order
    start_plan_on(patient, plan, local_today(patient))
    _tailor(pt, plan, [replace(s, sessions_per_week=7) for s in _specs(plan)])
    specs = _specs(plan)
    page = _page(patient)
    assert 'loading="lazy"' not in _card(page, specs[0].exercise_id)
    # when the PT moves the first exercise to the end
    _tailor(pt, plan, [*specs[1:], specs[0]])
    # then the cards follow, and the new first card's drawing is the one loaded at once
    page = _page(patient)
    positions = [page.index(f'id="exercise-{s.exercise_id}"') for s in [*specs[1:], specs[0]]]
    assert positions == sorted(positions)
    assert 'loading="lazy"' not in _card(page, specs[1].exercise_id)
    assert 'loading="lazy"' in _card(page, specs[0].exercise_id)


def test_a_new_version_with_a_new_note_shows_the_note(patient, plan, pt):
    item = _item(plan, hold=False)
    _page(patient)
    _tailor(pt, plan, _with(_specs(plan), item.exercise_id, note="Slower on the way down."))
    assert "Slower on the way down." in _card(_page(patient), item.exercise_id)


def test_a_progression_step_shows_the_new_dose(patient, plan, pt):
    # given two weeks of easy glute bridges and the progression suggestion they make
    start_plan_on(patient, plan, local_today(patient) - timedelta(days=21))
    bridge, _days = two_easy_weeks_of_bridges(patient, plan)
    progression_check(patient_ids=[patient.pk])
    suggestion = ProgressionSuggestion.objects.get()
    _page(patient)
    # when the PT accepts it
    suggestion_accept(
        therapist=pt, suggestion=suggestion, expected_version=plan.current_version.number
    )
    # then Today shows the new dosage
    after = item_of(plan, suggestion.to_exercise.slug)
    card = _card(_page(patient), after.exercise_id)
    assert (after.sets, after.reps) != (bridge.sets, bridge.reps)
    assert f'<span class="dose-big">{after.sets} {TIMES} {after.reps}</span>' in card


def test_a_swap_to_the_harder_variant_shows_its_words(patient, plan, pt, bridge):
    _page(patient)
    plan_swap_exercise(
        therapist=pt,
        plan=plan,
        expected_version=plan.current_version.number,
        exercise_id=bridge.pk,
        direction="harder",
    )
    page = _page(patient)
    harder = bridge.progression
    assert f'id="exercise-{bridge.pk}"' not in page
    card = _card(page, harder.pk)
    assert f"Mark {harder.name} done" in card and harder.safety_cue_list()[0] in card


def test_a_library_edit_of_the_name_shows(patient, plan):
    item = _item(plan, hold=False)
    _page(patient)
    exercise = item.exercise
    exercise.name = "Bridge, slow"
    exercise.save()
    card = _card(_page(patient), exercise.pk)
    assert "Mark Bridge, slow done" in card and "<h3 data-step-heading>Bridge, slow" in card


@pytest.mark.parametrize("field", ["instructions", "safety_cues"])
def test_a_library_edit_of_the_words_shows_even_without_save(patient, plan, field):
    # a data migration or a bulk fix updates rows without save() or signals
    item = _item(plan, hold=True)
    _page(patient)
    Exercise.objects.filter(pk=item.exercise_id).update(**{field: "One new line\nAnd another"})
    card = _card(_page(patient), item.exercise_id)
    assert "<li>One new line</li><li>And another</li>" in card


def test_an_exercise_given_anothers_former_words_keeps_its_own_form(patient, plan, pt):
    # given two exercises with the same dosage and words, the first one's card in the cache
    first, second = (s.exercise_id for s in _specs(plan)[:2])
    specs = _specs(plan)
    dose = next(s for s in specs if s.exercise_id == first)
    _tailor(
        pt,
        plan,
        _with(
            specs,
            second,
            sets=dose.sets,
            reps=dose.reps,
            hold_seconds=dose.hold_seconds,
            per_side=dose.per_side,
        ),
    )
    words = Exercise.objects.values("name", "instructions", "safety_cues").get(pk=first)
    Exercise.objects.filter(pk=second).update(
        instructions=words["instructions"], safety_cues=words["safety_cues"]
    )
    _page(patient)
    # when the library renames the first and gives the second its former name
    Exercise.objects.filter(pk=first).update(name="Renamed")
    Exercise.objects.filter(pk=second).update(name=words["name"])
    # then the second card's form is its own
    card = _card(_page(patient), second)
    assert f'action="{reverse("programs:completion-create", args=[second])}"' in card
    assert f'hx-target="#exercise-{second}"' in card


def test_a_library_edit_of_the_illustration_shows(patient, plan):
    item = _item(plan, hold=False)
    other = Exercise.objects.exclude(illustration=item.exercise.illustration).first()
    _page(patient)
    Exercise.objects.filter(pk=item.exercise_id).update(
        illustration=other.illustration, illustration_alt="A new drawing"
    )
    card = _card(_page(patient), item.exercise_id)
    assert f'{other.illustration}" alt="A new drawing"' in card


def test_the_active_language_is_part_of_the_key(plan):
    item = plan.current_version.items.select_related("exercise").first()
    english = CardContent.of(item)
    with translation.override("fr"):
        french = CardContent.of(item)
    assert english != french and english.language != french.language


def test_the_key_holds_every_dosage_and_library_field_the_card_shows(plan):
    # A field left out of the key would be served from another content's entry.
    item = plan.current_version.items.select_related("exercise").first()
    key = CardContent.of(item)
    assert (key.exercise_id, key.name, key.sets, key.reps, key.hold_seconds, key.per_side) == (
        item.exercise_id,
        item.exercise.name,
        item.sets,
        item.reps,
        item.hold_seconds,
        item.per_side,
    )
    assert key.steps == tuple(item.exercise.instruction_steps())
    assert key.safety_cues == tuple(item.exercise.safety_cue_list())
    assert (key.illustration, key.illustration_alt) == (
        item.exercise.illustration,
        item.exercise.illustration_alt,
    )


def test_the_fixed_template_reads_nothing_but_the_key():
    # The fixed part is rendered with the key alone ({"c": CardContent}), so any value it shows
    # must be the key's: a variable of another name would render empty, not stale.
    path = Path(settings.BASE_DIR) / "templates/programs/sessions/_card_fixed.html"
    text = re.sub(r"\{#.*?#\}", "", path.read_text(), flags=re.S)
    names = {f.name for f in fields(CardContent)} | {"is_hold"}
    loop_vars = {"step", "cue"}
    for tag in re.findall(r"\{%(.*?)%\}", text):
        for root, attr in re.findall(r"\b([a-z_]+)\.([a-z_]+)", tag):
            assert root == "c" and attr in names, tag
    for variable in re.findall(r"\{\{(.*?)\}\}", text):
        root, attr = re.match(r"\s*([a-z_]+)\.?([a-z_]*)", variable).groups()
        assert (root == "c" and attr in names) or (root in loop_vars and not attr), variable


def test_one_patients_note_and_answers_never_reach_another(patient, patient2, plan, pt, pt2, psoas):
    # given two patients on the same program, so the same fixed parts
    from programs.services.plans import plan_assign_template
    from programs.services.sessions import completion_record

    other_plan = plan_assign_template(therapist=pt2, patient=patient2, template=psoas)
    item = _item(plan, hold=False)
    _tailor(pt, plan, _with(_specs(plan), item.exercise_id, note="Only for the first patient."))
    completion_record(patient=patient, exercise_id=item.exercise_id, pain=7, difficulty="too_hard")
    assert "Only for the first patient." in _page(patient)
    # when the second patient opens Today
    page = _page(patient2)
    # then the card is theirs: not done, no note, the same dose
    card = _card(page, item.exercise_id)
    assert "Only for the first patient." not in page and "pain 7" not in page
    assert "is-done" not in card and "Mark " in card
    assert other_plan.current_version.items.filter(exercise_id=item.exercise_id).exists()


def test_the_fixed_part_is_rendered_once_per_content(plan):
    item = plan.current_version.items.select_related("exercise").first()
    assert card_fixed(item) is card_fixed(item)


def test_with_debug_on_the_fixed_part_is_rendered_each_time(plan):
    # an edited template shows at once while developing
    item = plan.current_version.items.select_related("exercise").first()
    with override_settings(DEBUG=True):
        first, second = card_fixed(item), card_fixed(item)
    assert first is not second and first == second
