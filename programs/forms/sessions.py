from django import forms

from programs.models import Completion

# The pain scale as the patient sees it: a number with words at both ends.
PAIN_SCALE: list[tuple[int, str]] = [
    (n, "no pain" if n == 0 else "worst imaginable" if n == 10 else "") for n in range(11)
]


class CompletionForm(forms.Form):
    """Mark one exercise done. Prefixed with the exercise id so each card's fields are unique.

    Pain has no default anywhere: without JavaScript it is eleven radio buttons with none
    checked, and the slider that replaces them checks one only once the patient moves it. So
    a patient who never touches it sends no pain and is asked for it (docs/design.md)."""

    pain_scale = PAIN_SCALE

    pain = forms.IntegerField(
        label="Pain while doing it (0 = none, 10 = worst)",
        min_value=0,
        max_value=10,
        error_messages={
            "required": "Give your pain from 0 to 10.",
            "min_value": "Pain must be from 0 to 10.",
            "max_value": "Pain must be from 0 to 10.",
            "invalid": "Pain must be a whole number from 0 to 10.",
        },
    )
    difficulty = forms.ChoiceField(
        label="How did it feel?",
        choices=Completion.Feel.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Choose how it felt."},
    )
