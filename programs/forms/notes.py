"""Progress note drafts and addenda."""

from django import forms


class NoteDraftForm(forms.Form):
    subjective = forms.CharField(
        label="Subjective",
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="What the patient reports.",
    )
    objective = forms.CharField(
        label="Objective",
        required=False,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text="Measured figures. Prefilled with the period's adherence, pain and outcomes.",
    )
    assessment = forms.CharField(
        label="Assessment", required=False, widget=forms.Textarea(attrs={"rows": 4})
    )
    plan = forms.CharField(label="Plan", required=False, widget=forms.Textarea(attrs={"rows": 4}))


class AddendumForm(forms.Form):
    text = forms.CharField(
        label="Addendum",
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="A correction or addition. The signed note stays as it was.",
    )
