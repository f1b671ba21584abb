import zoneinfo
from functools import partial

from django import forms
from django.conf import settings
from django.contrib.auth.forms import AuthenticationForm, PasswordResetForm
from django.db import transaction
from django.http import HttpRequest

from accounts.models import US_STATES, PatientProfile
from therapy.celery import task_send

TIME_ZONE_CHOICES = [(tz, tz.replace("_", " ")) for tz in sorted(zoneinfo.available_timezones())]


class EmailLoginForm(AuthenticationForm):
    username = forms.EmailField(
        label="Email", widget=forms.EmailInput(attrs={"autocomplete": "email", "autofocus": True})
    )


class PatientSignUpForm(forms.Form):
    """Parses the sign-up page; the rules themselves live in accounts.services.patient_sign_up."""

    first_name = forms.CharField(
        max_length=150, widget=forms.TextInput(attrs={"autocomplete": "given-name"})
    )
    last_name = forms.CharField(
        max_length=150, widget=forms.TextInput(attrs={"autocomplete": "family-name"})
    )
    email = forms.EmailField(widget=forms.EmailInput(attrs={"autocomplete": "email"}))
    date_of_birth = forms.DateField(
        help_text="For example 1984-03-27.",
        widget=forms.DateInput(attrs={"type": "date", "autocomplete": "bday"}),
        error_messages={"invalid": "Enter your date of birth as YYYY-MM-DD."},
    )
    phone = forms.CharField(
        max_length=32,
        required=False,
        widget=forms.TextInput(attrs={"autocomplete": "tel", "type": "tel"}),
    )
    state = forms.ChoiceField(
        label="State you live in", choices=[("", "—"), *US_STATES], required=False
    )
    time_zone = forms.CharField(
        max_length=64,
        help_text="Reminders follow your local time. For example America/Chicago.",
        widget=forms.TextInput(
            attrs={"list": "time-zones", "autocomplete": "off", "data-detect": ""}
        ),
    )
    preferred_language = forms.ChoiceField(choices=PatientProfile.Language.choices)
    password = forms.CharField(
        strip=False,
        help_text="At least 10 characters, not only numbers, not a common password.",
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )


class InvitedSignUpForm(forms.Form):
    """Parses the sign-up page opened from an invitation: the name and email come from the
    invitation; the rules live in accounts.services.enrolment.invitation_accept."""

    date_of_birth = forms.DateField(
        help_text="For example 1984-03-27.",
        widget=forms.DateInput(attrs={"type": "date", "autocomplete": "bday"}),
        error_messages={"invalid": "Enter your date of birth as YYYY-MM-DD."},
    )
    phone = forms.CharField(
        max_length=32,
        required=False,
        help_text="Your physical therapist may call you about your answers.",
        widget=forms.TextInput(attrs={"autocomplete": "tel", "type": "tel"}),
    )
    state = forms.ChoiceField(
        label="State you live in",
        choices=[("", "—"), *US_STATES],
        help_text="Your physical therapist must be licensed there.",
    )
    time_zone = forms.CharField(
        max_length=64,
        required=False,
        help_text="Filled in from your device. Leave it empty to use your state's usual zone. "
        "For example America/Chicago.",
        widget=forms.TextInput(
            attrs={"list": "time-zones", "autocomplete": "off", "data-detect": ""}
        ),
    )
    preferred_language = forms.ChoiceField(choices=PatientProfile.Language.choices)
    password = forms.CharField(
        strip=False,
        help_text="At least 10 characters, not only numbers, not a common password.",
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )


class InvitationForm(forms.Form):
    first_name = forms.CharField(max_length=150)
    last_name = forms.CharField(max_length=150)
    email = forms.EmailField(help_text="The invitation link goes to this address.")


class PatientProfileForm(forms.Form):
    first_name = forms.CharField(max_length=150)
    last_name = forms.CharField(max_length=150)
    date_of_birth = forms.DateField(
        widget=forms.DateInput(attrs={"type": "date"}),
        error_messages={"invalid": "Enter your date of birth as YYYY-MM-DD."},
    )
    phone = forms.CharField(
        max_length=32, required=False, widget=forms.TextInput(attrs={"type": "tel"})
    )
    state = forms.ChoiceField(
        label="State you live in", choices=[("", "—"), *US_STATES], required=False
    )
    time_zone = forms.CharField(max_length=64, widget=forms.TextInput(attrs={"list": "time-zones"}))
    preferred_language = forms.ChoiceField(choices=PatientProfile.Language.choices)


class QueuedPasswordResetForm(PasswordResetForm):
    """Django's reset form, but the email goes out through Celery after the request ends.

    The link is built on PUBLIC_BASE_URL, never on the request's Host header: any port of an
    allowed host passed the host check, so a forged Host sent the token to another server."""

    def save(self, *, request: HttpRequest, **_: object) -> None:  # type: ignore[override]  # Django's view passes request by keyword; nothing else is used
        base_url = settings.PUBLIC_BASE_URL
        for user in self.get_users(self.cleaned_data["email"]):
            transaction.on_commit(
                partial(
                    task_send, "accounts.tasks.accounts_send_password_reset_task", user.pk, base_url
                )
            )
