from datetime import datetime, time

from django import forms

from programs.models import ReminderChannel
from programs.reminders_times import WEEKDAY_NAMES

PAUSE_CHOICES = [
    ("", "Keep as it is"),
    ("0", "Not paused (resume now)"),
    ("1", "Pause for 1 day"),
    ("3", "Pause for 3 days"),
    ("7", "Pause for 1 week"),
    ("14", "Pause for 2 weeks"),
    ("30", "Pause for 30 days"),
]


def parse_times(value: str) -> list[time]:
    times = []
    for part in value.replace(";", ",").split(","):
        part = part.strip()
        if not part:
            continue
        try:
            times.append(datetime.strptime(part, "%H:%M").time())  # noqa: DTZ007 - a wall-clock time
        except ValueError as exc:
            raise forms.ValidationError(
                f"“{part}” is not a time. Use 24-hour times such as 07:30 or 18:00."
            ) from exc
    return times


class ReminderSettingsForm(forms.Form):
    enabled = forms.BooleanField(label="Send me reminders", required=False)
    times = forms.CharField(
        label="Times",
        required=False,
        max_length=100,
        help_text="One or more 24-hour times, separated by commas. For example 07:30, 18:00.",
    )
    weekdays = forms.TypedMultipleChoiceField(
        label="Days",
        choices=[(str(i), name) for i, name in enumerate(WEEKDAY_NAMES)],
        coerce=int,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    time_zone = forms.CharField(
        label="Time zone",
        max_length=64,
        required=False,
        widget=forms.TextInput(attrs={"list": "time-zones", "autocomplete": "off"}),
    )
    channel = forms.ChoiceField(
        label="How to remind you",
        choices=ReminderChannel.choices,
        widget=forms.RadioSelect,
    )
    quiet_start = forms.TimeField(
        label="Quiet hours start",
        required=False,
        widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M"),
    )
    quiet_end = forms.TimeField(
        label="Quiet hours end",
        required=False,
        widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M"),
    )
    pause = forms.TypedChoiceField(
        label="Pause", choices=PAUSE_CHOICES, coerce=int, empty_value=None, required=False
    )

    def clean_times(self) -> list[time]:
        return parse_times(self.cleaned_data["times"])
