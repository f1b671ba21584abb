from django import forms

from programs.models import Completion


class CompletionForm(forms.Form):
    """Mark one exercise done. Prefixed with the exercise id so each card's fields are unique."""

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
