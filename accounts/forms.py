import zoneinfo

from django import forms
from django.contrib.auth.forms import AuthenticationForm, PasswordResetForm
from django.db import transaction
from django.http import HttpRequest

from accounts.models import US_STATES, Intake, PatientProfile, Sponsor
from accounts.models.intake import RED_FLAG_FIELDS

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
    """Django's reset form, but the email goes out through Celery after the request ends."""

    def save(self, *, request: HttpRequest, **_: object) -> None:  # type: ignore[override]
        from accounts.tasks import accounts_send_password_reset_task

        base_url = request.build_absolute_uri("/")
        for user in self.get_users(self.cleaned_data["email"]):
            user_id = user.pk
            transaction.on_commit(
                lambda uid=user_id: accounts_send_password_reset_task.delay(uid, base_url)
            )


class EligibilityCheckForm(forms.Form):
    """Parses the “Do I qualify?” page; the rules live in accounts.services.eligibility."""

    sponsor = forms.ModelChoiceField(
        label="Your employer or health plan",
        queryset=Sponsor.objects.order_by("name"),
        to_field_name="slug",
        empty_label="Choose…",
    )
    first_name = forms.CharField(
        max_length=150, widget=forms.TextInput(attrs={"autocomplete": "given-name"})
    )
    last_name = forms.CharField(
        max_length=150, widget=forms.TextInput(attrs={"autocomplete": "family-name"})
    )
    date_of_birth = forms.DateField(
        help_text="For example 1984-03-27.",
        input_formats=["%Y-%m-%d", "%m/%d/%Y"],
        widget=forms.DateInput(attrs={"type": "date", "autocomplete": "bday"}),
        error_messages={"invalid": "Enter your date of birth as YYYY-MM-DD."},
    )
    member_id = forms.CharField(
        label="Member ID",
        max_length=64,
        required=False,
        help_text="Needed by health plans and some employers: it is on your member card.",
    )
    email = forms.EmailField(
        required=False,
        help_text="Your work email if your employer asks for it. We also use it to tell you the "
        "result if our team needs to check your details.",
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
    )


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


class IntakeForm(forms.Form):
    pain_areas = forms.MultipleChoiceField(
        label="Where does it hurt?",
        choices=Intake.Area.choices,
        widget=forms.CheckboxSelectMultiple,
    )
    pain_now = forms.IntegerField(
        label="How much does it hurt right now?",
        min_value=0,
        max_value=10,
        help_text="0 means no pain, 10 the worst pain you can imagine.",
    )
    goals = forms.CharField(
        label="What would you like to be able to do again?",
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    hard_activities = forms.CharField(
        label="Activities that are hard right now",
        required=False,
        help_text="One per line, for example: getting out of a car.",
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    bladder_or_bowel_loss = forms.BooleanField(
        label="New loss of control of your bladder or bowels", required=False
    )
    saddle_numbness = forms.BooleanField(
        label="Numbness around your groin, buttocks or inner thighs", required=False
    )
    fever_with_back_pain = forms.BooleanField(label="Fever together with back pain", required=False)
    unexplained_weight_loss = forms.BooleanField(
        label="Weight loss you cannot explain", required=False
    )
    history_of_cancer = forms.BooleanField(label="Cancer now or in the past", required=False)
    recent_major_fall_or_injury = forms.BooleanField(
        label="A bad fall, accident or injury in the last weeks", required=False
    )
    progressive_leg_weakness = forms.BooleanField(
        label="Weakness in a leg that is getting worse", required=False
    )

    RED_FLAG_NAMES = RED_FLAG_FIELDS


class RosterUploadForm(forms.Form):
    file = forms.FileField(
        label="Roster file (CSV)",
        help_text="UTF-8 CSV with the columns member_id, first_name, last_name, date_of_birth, "
        "email, postal_code, relationship, coverage_start, coverage_end. It replaces the roster "
        "in force.",
        widget=forms.ClearableFileInput(attrs={"accept": ".csv,text/csv"}),
    )
