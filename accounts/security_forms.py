from django import forms

from accounts.models import AuditEvent


class OtpTokenForm(forms.Form):
    otp_token = forms.CharField(
        label="Code",
        max_length=16,
        help_text="The 6-digit code from your authenticator app, or one of your recovery codes.",
        widget=forms.TextInput(
            attrs={"autocomplete": "one-time-code", "inputmode": "numeric", "autofocus": True}
        ),
    )


class TotpConfirmForm(forms.Form):
    otp_token = forms.CharField(
        label="Code from the app",
        max_length=8,
        help_text="Type the 6-digit code your authenticator app shows now.",
        widget=forms.TextInput(
            attrs={"autocomplete": "one-time-code", "inputmode": "numeric", "autofocus": True}
        ),
    )


class CloseAccountForm(forms.Form):
    password = forms.CharField(
        label="Your password",
        strip=False,
        help_text="To confirm that it is you.",
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )


class AuditSearchForm(forms.Form):
    actor_email = forms.EmailField(label="Who (email)", required=False)
    patient_id = forms.IntegerField(label="Patient id", required=False, min_value=1)
    action = forms.ChoiceField(choices=[("", "Any"), *AuditEvent.Action.choices], required=False)
    since = forms.DateField(
        label="From (UTC day)", required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    until = forms.DateField(
        label="Until (UTC day, inclusive)",
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
    )


class UnlockForm(forms.Form):
    username = forms.CharField(max_length=254)
