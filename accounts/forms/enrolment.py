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
        required=False,
        help_text="Filled in from your device. Leave it empty to use your state's usual zone; "
        "you can change it later in your profile. For example America/Chicago.",
        widget=forms.TextInput(
            attrs={"list": "time-zones", "autocomplete": "off", "data-detect": ""}
        ),
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
