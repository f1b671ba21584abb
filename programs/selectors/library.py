"""Reads of the library: exercises and program templates."""

from django.db.models import QuerySet

from programs.models import (
    Exercise,
    ProgramTemplate,
)


def exercise_library() -> QuerySet[Exercise]:
    return Exercise.objects.filter(is_active=True).order_by("body_region", "difficulty", "name")


def program_templates() -> QuerySet[ProgramTemplate]:
    return ProgramTemplate.objects.order_by("name")
