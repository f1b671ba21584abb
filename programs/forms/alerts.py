"""Acknowledging a clinical alert."""

from django import forms

from programs.services.alerts import ACK_NOTE_MAX


class AlertAcknowledgeForm(forms.Form):
    note = forms.CharField(
        label="What you did",
        max_length=ACK_NOTE_MAX,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="A short note, for example: called the patient, lowered the dosage.",
    )
