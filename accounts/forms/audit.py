from django import forms

from accounts.models import AuditEvent


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
