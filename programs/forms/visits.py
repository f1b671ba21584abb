"""Forms of video visits: choosing a slot, the visit length, a weekly availability window."""

from datetime import UTC, datetime, time
from typing import Any

from django import forms
from django.core.exceptions import ValidationError

from programs.models import Weekday
from programs.models.visits import VISIT_MINUTES_CHOICES

# (day label, [(ISO UTC value, local time label)]), as selectors.visits.slots_by_local_day gives.
type SlotGroup = tuple[str, list[tuple[str, str]]]


def parse_slot(value: str) -> datetime:
    """An ISO-8601 instant from a form or the API, as an aware UTC datetime."""
    try:
        parsed = datetime.fromisoformat(value.strip())
    except (ValueError, AttributeError) as exc:
        raise ValidationError("Choose one of the open times.") from exc
    if parsed.tzinfo is None:
        raise ValidationError("Give the time with its offset, e.g. 17:00:00Z.")
    return parsed.astimezone(UTC)


class SlotForm(forms.Form):
    starts_at = forms.CharField(
        label="Time",
        error_messages={"required": "Choose one of the open times."},
    )

    def __init__(self, *args: Any, slot_groups: list[SlotGroup], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["starts_at"].widget = forms.Select(
            choices=[("", "Choose a time"), *[(day, opts) for day, opts in slot_groups]]
        )
        # The pages draw the open times as a grid of buttons per day: (day, is it open, [(value,
        # full label for screen readers, the time alone for the button)]). One day is open at
        # a time (the one holding the form's time, else the first): weeks of times at once
        # were a page 8,000 px tall on a phone before its button.
        chosen = self.data.get(self.add_prefix("starts_at")) if self.is_bound else None
        open_day = next(
            (i for i, (_, options) in enumerate(slot_groups) if chosen in dict(options)), 0
        )
        self.slot_days = [
            (
                day,
                i == open_day,
                [(value, label, label.rpartition(", ")[2]) for value, label in options],
            )
            for i, (day, options) in enumerate(slot_groups)
        ]

    def clean_starts_at(self) -> datetime:
        return parse_slot(self.cleaned_data["starts_at"])


class VisitLengthForm(forms.Form):
    visit_minutes = forms.TypedChoiceField(
        label="Visit length",
        coerce=int,
        choices=VISIT_MINUTES_CHOICES,
    )


class WindowForm(forms.Form):
    weekday = forms.TypedChoiceField(label="Day", coerce=int, choices=Weekday.choices)
    starts_at = forms.TimeField(label="From", widget=forms.TimeInput(attrs={"type": "time"}))
    ends_at = forms.TimeField(label="Until", widget=forms.TimeInput(attrs={"type": "time"}))

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        start, end = data.get("starts_at"), data.get("ends_at")
        if isinstance(start, time) and isinstance(end, time) and end <= start:
            self.add_error("ends_at", "The window must end after it starts.")
        return data
