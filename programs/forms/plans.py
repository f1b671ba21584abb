from django import forms

from programs.models import MAX_HOLD_SECONDS, MAX_REPS, MAX_SETS, reps_xor_hold_error
from programs.services.plans import ItemSpec


class PlanItemForm(forms.Form):
    exercise = forms.IntegerField(widget=forms.HiddenInput)
    order = forms.IntegerField(label="Order", min_value=1, max_value=99)
    sets = forms.IntegerField(label="Sets", min_value=1, max_value=MAX_SETS)
    reps = forms.IntegerField(label="Reps", required=False, min_value=1, max_value=MAX_REPS)
    hold_seconds = forms.IntegerField(
        label="Hold (seconds)", required=False, min_value=1, max_value=MAX_HOLD_SECONDS
    )
    per_side = forms.BooleanField(label="Each side", required=False)
    sessions_per_week = forms.IntegerField(label="Times a week", min_value=1, max_value=7)
    note = forms.CharField(label="Note to the patient", required=False, max_length=500)

    def clean(self) -> dict:
        data = super().clean()
        if self.cleaned_data.get("DELETE"):
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
