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
    # Optional for a draft, needed to sign (the service checks): the labels say so.
    assessment = forms.CharField(
        label="Assessment (needed to sign)",
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
    )
    plan = forms.CharField(
        label="Plan (needed to sign)",
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
    )
    assessment.needed_to_sign = True  # type: ignore[attr-defined]
    plan.needed_to_sign = True  # type: ignore[attr-defined]


class AddendumForm(forms.Form):
    text = forms.CharField(
        label="Addendum",
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="A correction or addition. The signed note stays as it was.",
    )
