"""The intake questionnaire; the rules live in programs.services.intake."""

from django import forms

from programs.models import Intake


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
