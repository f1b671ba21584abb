"""The intake questionnaire; the rules live in programs.services.intake."""

from django import forms

from programs.models import DOCTOR_FLAGS, EMERGENCY_FLAGS, PT_REVIEW_FLAGS, Intake


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
    # Tier 1: emergency now.
    bladder_or_bowel_loss = forms.BooleanField(
        label="New loss of control of your bladder or bowels", required=False
    )
    urinary_retention = forms.BooleanField(
        label="You cannot pass urine, or passing urine has become difficult", required=False
    )
    saddle_numbness = forms.BooleanField(
        label="Numbness around your groin, buttocks or inner thighs", required=False
    )
    progressive_leg_weakness = forms.BooleanField(
        label="Weakness in a leg that is getting worse", required=False
    )
    both_legs_symptoms = forms.BooleanField(
        label="Pain, pins and needles, numbness or weakness in both legs", required=False
    )
    # Tier 2: a doctor within a day or two, before exercising.
    fever_with_back_pain = forms.BooleanField(label="Fever together with back pain", required=False)
    unexplained_weight_loss = forms.BooleanField(
        label="Weight loss you cannot explain", required=False
    )
    history_of_cancer = forms.BooleanField(label="Cancer now or in the past", required=False)
    immunosuppression = forms.BooleanField(
        label="A weakened immune system, steroid tablets for months, or injecting drugs",
        required=False,
    )
    night_pain = forms.BooleanField(
        label="Pain at night that resting or changing position does not ease", required=False
    )
    recent_major_fall_or_injury = forms.BooleanField(
        label="A bad fall, accident or injury in the last weeks", required=False
    )
    osteoporosis_with_fall = forms.BooleanField(
        label="Osteoporosis (thin bones) and a fall, even a small one", required=False
    )
    # Tier 3: the PT reviews before the program starts.
    hip_replacement = forms.BooleanField(label="You have had a hip replacement", required=False)
    recent_surgery = forms.BooleanField(
        label="You have had an operation in the last 3 months", required=False
    )
    pregnancy = forms.BooleanField(label="You are pregnant", required=False)
    in_their_words = forms.CharField(
        label="Anything you want to tell your physical therapist about these answers",
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class IntakeClearForm(forms.Form):
    reason = forms.CharField(
        label="Why may the program start?",
        max_length=2000,
        help_text="For example: spoke with the patient by phone; cancer treated in 2015, "
        "discharged by oncology, no new symptoms.",
        widget=forms.Textarea(attrs={"rows": 3}),
    )


TIERS = (
    ("Call for emergency care now if you have", EMERGENCY_FLAGS),
    ("See a doctor first (within a day or two) if you have", DOCTOR_FLAGS),
    ("Your physical therapist checks the program first if", PT_REVIEW_FLAGS),
)
