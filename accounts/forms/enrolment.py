from django import forms

from accounts.models import US_STATES, PatientProfile


class EnrolmentForm(forms.Form):
    email = forms.EmailField(
        help_text="You will log in with it.",
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
    )
    state = forms.ChoiceField(
        label="State you live in",
        choices=[("", "—"), *US_STATES],
        help_text="Your physical therapist must be licensed there.",
    )
    time_zone = forms.CharField(
        max_length=64,
        initial="America/New_York",
        help_text="Reminders follow your local time. For example America/Chicago.",
        widget=forms.TextInput(attrs={"list": "time-zones", "autocomplete": "off"}),
    )
    phone = forms.CharField(
        max_length=32,
        required=False,
        widget=forms.TextInput(attrs={"autocomplete": "tel", "type": "tel"}),
    )
    preferred_language = forms.ChoiceField(choices=PatientProfile.Language.choices)
    password = forms.CharField(
        strip=False,
        help_text="At least 10 characters, not only numbers, not a common password.",
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )
