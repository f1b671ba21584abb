from django import forms

from accounts.models import Sponsor


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
