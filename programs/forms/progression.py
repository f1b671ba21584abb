"""Deciding on a progression suggestion, and the auto-apply switch."""

from django import forms

from programs.models import MAX_HOLD_SECONDS, MAX_REPS, MAX_SETS, reps_xor_hold_error


class SuggestionDecisionForm(forms.Form):
    expected_version = forms.IntegerField(widget=forms.HiddenInput)


class SuggestionEditForm(SuggestionDecisionForm):
    sets = forms.IntegerField(label="Sets", min_value=1, max_value=MAX_SETS)
    reps = forms.IntegerField(label="Repetitions", min_value=1, max_value=MAX_REPS, required=False)
    hold_seconds = forms.IntegerField(
        label="Hold (seconds)", min_value=1, max_value=MAX_HOLD_SECONDS, required=False
    )

    def clean(self) -> dict:
        data = super().clean() or {}
        if message := reps_xor_hold_error(
            reps=data.get("reps"), hold_seconds=data.get("hold_seconds")
        ):
            raise forms.ValidationError(message)
        return data


class AutoApplyForm(forms.Form):
    auto_apply_advances = forms.BooleanField(required=False)
