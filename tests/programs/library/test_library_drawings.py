"""The exercise drawings are one consistent set: each file is what programs.library_drawings
draws (same stroke, palette, floor, start and end panels), every library exercise has one, and
its alt text describes both positions."""

import re

import pytest
from django.contrib.staticfiles import finders

from programs.library_drawings import DRAWINGS, FOLDER, draw
from programs.models import Exercise


@pytest.mark.parametrize("slug", sorted(DRAWINGS))
def test_each_file_is_what_the_drawing_rules_make(slug):
    assert (FOLDER / f"{slug}.svg").read_text() == draw(DRAWINGS[slug]), (
        "run: python -m programs.library_drawings"
    )


def test_every_drawing_uses_the_design_palette_and_one_stroke():
    palette = {"#17212b", "#8795a1", "#c9d1d9", "#4a5560", "#0b5c7a", "#fff"}
    for slug, drawing in DRAWINGS.items():
        svg = draw(drawing)
        assert set(re.findall(r'(?:stroke|fill)="(#[0-9a-f]+)"', svg)) <= palette, slug
        assert 'stroke-width="5"' in svg and ">Start<" in svg and ">End<" in svg, slug


@pytest.mark.django_db
def test_every_library_exercise_has_a_drawing_and_says_both_positions():
    exercises = list(Exercise.objects.all())
    assert exercises
    for exercise in exercises:
        assert finders.find(exercise.illustration), exercise.slug
        assert exercise.illustration_alt.startswith("Start: "), exercise.slug
        assert " End: " in exercise.illustration_alt, exercise.slug
