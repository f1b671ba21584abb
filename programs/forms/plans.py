from django import forms

from programs.models import (
    HOLD_TOO_LONG,
    HOLD_WARN_SECONDS,
    MAX_HOLD_SECONDS,
    MAX_REPS,
    MAX_SETS,
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

    def clean(self) -> dict:
        data = super().clean()
        if not self.cleaned_data.get("DELETE") and (data.get("reps") is None) == (
            data.get("hold_seconds") is None
        ):
            raise forms.ValidationError("Give either reps or a hold time, not both.")
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
    def specs(self) -> list[ItemSpec]:
        """The kept rows in the PT's order (ties keep their place on the page)."""
        kept = [f for f in self.forms if not self._should_delete_form(f)]
        kept.sort(key=lambda f: f.cleaned_data["order"])
        return [f.spec() for f in kept]


PlanItemFormSet = forms.formset_factory(
    PlanItemForm, formset=BasePlanItemFormSet, extra=0, can_delete=True, max_num=40
)


class PlanEditForm(forms.Form):
    expected_version = forms.IntegerField(widget=forms.HiddenInput)
    add_exercise = forms.TypedChoiceField(
        label="Add an exercise from the library", required=False, coerce=int, empty_value=None
    )

    def __init__(self, *args: object, library: list[tuple[int, str]], **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        self.fields["add_exercise"].choices = [("", "— none —"), *library]
