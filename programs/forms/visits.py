"""Forms of video visits: choosing a slot, the visit length, a weekly availability window."""

from datetime import UTC, datetime, time

from django import forms
from django.core.exceptions import ValidationError

from programs.models import VisitSchedule, Weekday


def parse_slot(value: str) -> datetime:
    """An ISO-8601 instant from a form or the API, as an aware UTC datetime."""
    try:
        parsed = datetime.fromisoformat(value.strip())
    except (ValueError, AttributeError) as exc:
        raise ValidationError({"starts_at": ["Choose one of the open times."]}) from exc
    if parsed.tzinfo is None:
        raise ValidationError({"starts_at": ["Give the time with its offset, e.g. 17:00:00Z."]})
    return parsed.astimezone(UTC)


class SlotForm(forms.Form):
    starts_at = forms.CharField(
        label="Time",
        error_messages={"required": "Choose one of the open times."},
    )

    def __init__(self, *args: object, slot_groups: list, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        self.fields["starts_at"].widget = forms.Select(
            choices=[("", "Choose a time"), *[(day, opts) for day, opts in slot_groups]]
        )

    def clean_starts_at(self) -> datetime:
        try:
            return parse_slot(self.cleaned_data["starts_at"])
        except ValidationError as exc:
            raise ValidationError(exc.message_dict["starts_at"]) from exc


class VisitLengthForm(forms.Form):
    visit_minutes = forms.TypedChoiceField(
        label="Visit length",
        coerce=int,
        choices=VisitSchedule._meta.get_field("visit_minutes").choices,
    )


class WindowForm(forms.Form):
    weekday = forms.TypedChoiceField(label="Day", coerce=int, choices=Weekday.choices)
    starts_at = forms.TimeField(label="From", widget=forms.TimeInput(attrs={"type": "time"}))
    ends_at = forms.TimeField(label="Until", widget=forms.TimeInput(attrs={"type": "time"}))

    def clean(self) -> dict:
        data = super().clean()
        start, end = data.get("starts_at"), data.get("ends_at")
        if isinstance(start, time) and isinstance(end, time) and end <= start:
            self.add_error("ends_at", "The window must end after it starts.")
        return data
