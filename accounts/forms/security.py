from django import forms


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
    # Adding or replacing an authenticator needs the password again: a session left open on a
    # shared computer must not be enough to take over the account's second factor.
    password = forms.CharField(
        label="Your password",
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )
    otp_token = forms.CharField(
        label="Code from the app",
        max_length=8,
        help_text="Type the 6-digit code your authenticator app shows now.",
        widget=forms.TextInput(
            attrs={"autocomplete": "one-time-code", "inputmode": "numeric", "autofocus": True}
        ),
    )


class UnlockForm(forms.Form):
    username = forms.CharField(max_length=254)
