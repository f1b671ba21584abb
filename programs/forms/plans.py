from typing import Any, cast

from django import forms

from programs.models import (
    HOLD_TOO_LONG,
    HOLD_WARN_SECONDS,
    MAX_HOLD_SECONDS,
    MAX_REPS,
    MAX_SETS,
    reps_xor_hold_error,
)
from programs.services.plans import ItemSpec


class PlanItemForm(forms.Form):
    exercise = forms.IntegerField(widget=forms.HiddenInput)
    order = forms.IntegerField(label="Order", min_value=1, max_value=99)
    sets = forms.IntegerField(label="Sets", min_value=1, max_value=MAX_SETS)
    reps = forms.IntegerField(label="Reps", required=False, min_value=1, max_value=MAX_REPS)
    hold_seconds = forms.IntegerField(
        label="Hold (seconds)",
        required=False,
        min_value=1,
        max_value=MAX_HOLD_SECONDS,
        error_messages={"max_value": HOLD_TOO_LONG},
        help_text=f"Up to {MAX_HOLD_SECONDS} s; over {HOLD_WARN_SECONDS} s is unusual.",
    )

    def hold_warning(self) -> str:
        """A warning (not an error) for a hold over HOLD_WARN_SECONDS, shown in the editor."""
        raw = self["hold_seconds"].value()
        try:
            seconds = int(raw) if raw not in (None, "") else 0
        except (TypeError, ValueError):
            return ""
        if HOLD_WARN_SECONDS < seconds <= MAX_HOLD_SECONDS:
            return (
                f"A {seconds} s hold is longer than usual (most holds are {HOLD_WARN_SECONDS} s "
                "or less). Check the number, or split it into sets."
            )
        return ""

    per_side = forms.BooleanField(label="Each side", required=False)
    sessions_per_week = forms.IntegerField(label="Times a week", min_value=1, max_value=7)
    note = forms.CharField(label="Note to the patient", required=False, max_length=500)

    def clean(self) -> dict[str, Any]:
        super().clean()
        data = self.cleaned_data
        if data.get("DELETE"):
            return data
        if message := reps_xor_hold_error(
            reps=data.get("reps"), hold_seconds=data.get("hold_seconds")
        ):
            raise forms.ValidationError(message)
        return data

    def spec(self) -> ItemSpec:
        d = self.cleaned_data
        return ItemSpec(
            exercise_id=d["exercise"],
            sets=d["sets"],
            reps=d["reps"],
            hold_seconds=d["hold_seconds"],
            per_side=d["per_side"],
            sessions_per_week=d["sessions_per_week"],
            note=d["note"],
        )


class BasePlanItemFormSet(forms.BaseFormSet):
    def kept_forms(self) -> list[PlanItemForm]:
        """The rows not marked for removal, in the PT's order (ties keep their place)."""
        kept = [f for f in self.forms if f not in self.deleted_forms]
        kept.sort(key=lambda f: f.cleaned_data["order"])
        return kept

    def specs(self) -> list[ItemSpec]:
        return [f.spec() for f in self.kept_forms()]


# formset_factory makes a subclass of `formset`; django-stubs types it as the base class.
PlanItemFormSet = cast(
    type[BasePlanItemFormSet],
    forms.formset_factory(
        PlanItemForm, formset=BasePlanItemFormSet, extra=0, can_delete=True, max_num=40
    ),
)


class PlanEditForm(forms.Form):
    expected_version = forms.IntegerField(widget=forms.HiddenInput)
    add_exercise = forms.TypedChoiceField(
        label="Add an exercise from the library", required=False, coerce=int, empty_value=None
    )

    def __init__(self, *args: Any, library: list[tuple[int, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # `fields` is typed as plain Field; this one is the TypedChoiceField declared above.
        add_exercise = cast(forms.TypedChoiceField, self.fields["add_exercise"])
        add_exercise.choices = [("", "— none —"), *library]
