"""The message form of the care-team thread."""

from django import forms

from programs.models import MESSAGE_MAX_LENGTH


class MessageForm(forms.Form):
    body = forms.CharField(
        label="Your message",
        widget=forms.Textarea(attrs={"rows": 4}),
        max_length=MESSAGE_MAX_LENGTH,
        help_text=f"Up to {MESSAGE_MAX_LENGTH} characters. For an emergency, call your local "
        "emergency number: messages are not watched around the clock.",
        error_messages={"required": "Write a message before sending it."},
    )
