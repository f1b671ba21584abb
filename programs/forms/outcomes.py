"""The outcome measures the patient answers: pain check-in (NRS), ODI, PSFS."""

from typing import Any

from django import forms

from programs import outcomes_scoring

SKIP = ""


class PainCheckInForm(forms.Form):
    pain = forms.TypedChoiceField(
        label="Your pain right now",
        choices=[(i, str(i)) for i in range(11)],
        coerce=int,
        widget=forms.RadioSelect,
        help_text="0 means no pain, 10 the worst pain you can imagine.",
    )


class OdiForm(forms.Form):
    """One radio group per section; every section may be skipped."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for section in outcomes_scoring.ODI_SECTIONS:
            self.fields[section.key] = forms.TypedChoiceField(
                label=section.topic,
                choices=[(SKIP, "Skip this section"), *enumerate(section.levels)],
                coerce=int,
                empty_value=None,
                required=False,
                initial=SKIP,
                widget=forms.RadioSelect,
            )

    def sections(self) -> dict[str, int | None]:
        return {key: self.cleaned_data.get(key) for key in outcomes_scoring.ODI_KEYS}


class PsfsForm(forms.Form):
    """Three to five activities that are hard because of the problem, each rated 0-10.

    With a `baseline` (the activities of the first PSFS), a follow-up re-rates exactly those:
    the names are prefilled and read-only, one row each (the service refuses any other list).
    """

    ROWS = outcomes_scoring.PSFS_MAX_ACTIVITIES

    def __init__(self, *args: Any, baseline: list[str] | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.baseline = baseline
        self.ROWS = len(baseline) if baseline else PsfsForm.ROWS
        for i in range(self.ROWS):
            required = baseline is not None or i < outcomes_scoring.PSFS_MIN_ACTIVITIES
            field = forms.CharField(label=f"Activity {i + 1}", max_length=120, required=required)
            if baseline:
                field.initial = baseline[i]
                field.widget.attrs["readonly"] = "readonly"
            self.fields[f"activity_{i}"] = field
            self.fields[f"rating_{i}"] = forms.TypedChoiceField(
                label=f"How well can you do activity {i + 1}? (0 = not at all, 10 = as before)",
                choices=[("", "Choose"), *[(n, str(n)) for n in range(11)]],
                coerce=int,
                empty_value=None,
                required=required,
            )

    def clean(self) -> dict[str, Any]:
        super().clean()
        data = self.cleaned_data
        for i in range(self.ROWS):
            has_name = bool(data.get(f"activity_{i}"))
            has_rating = data.get(f"rating_{i}") is not None
            if has_name and not has_rating:
                self.add_error(f"rating_{i}", "Rate this activity.")
            if has_rating and not has_name:
                self.add_error(f"activity_{i}", "Name the activity you rated.")
        return data

    def activities(self) -> list[dict[str, object]]:
        return [
            {
                "activity": self.cleaned_data[f"activity_{i}"],
                "rating": self.cleaned_data[f"rating_{i}"],
            }
            for i in range(self.ROWS)
            if self.cleaned_data.get(f"activity_{i}")
        ]

    def rows(self) -> list[tuple[forms.BoundField, forms.BoundField]]:
        return [(self[f"activity_{i}"], self[f"rating_{i}"]) for i in range(self.ROWS)]
