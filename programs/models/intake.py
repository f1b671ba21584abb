"""The intake questionnaire a new patient answers, its red-flag safety screen in three tiers,
and the PT's clearance that lets a program start despite a flag.

The table kept its name from when the intake lived in accounts (accounts_intake).
The tiers and their sources are in docs/pathway.md.
"""

from django.db import models
from django.db.models import Q
from django.utils import timezone

from accounts.models.people import User

# Tier 1: signs of cauda equina syndrome or a fast-growing nerve problem. Emergency care now.
EMERGENCY_FLAGS = (
    "bladder_or_bowel_loss",
    "urinary_retention",
    "saddle_numbness",
    "progressive_leg_weakness",
    "both_legs_symptoms",
)
# Tier 2: possible infection, cancer, fracture or other serious cause. A doctor within a day or
# two, before exercising.
DOCTOR_FLAGS = (
    "fever_with_back_pain",
    "unexplained_weight_loss",
    "history_of_cancer",
    "immunosuppression",
    "night_pain",
    "recent_major_fall_or_injury",
    "osteoporosis_with_fall",
)
# Tier 3: the program may need changing. The PT reviews before the start; some exercises are
# hidden or swapped (programs.intake_precautions).
PT_REVIEW_FLAGS = (
    "hip_replacement",
    "recent_surgery",
    "pregnancy",
)
RED_FLAG_FIELDS = EMERGENCY_FLAGS + DOCTOR_FLAGS + PT_REVIEW_FLAGS


class Intake(models.Model):
    """What a new patient tells us before their PT builds the program."""

    class Area(models.TextChoices):
        LOWER_BACK = "lower_back", "Lower back"
        FRONT_OF_HIP = "front_of_hip", "Front of the hip"
        GROIN = "groin", "Groin"
        BUTTOCK = "buttock", "Buttock"
        THIGH = "thigh", "Thigh"
        OTHER = "other", "Somewhere else"

    class Tier(models.TextChoices):
        NONE = "", "No flag"
        PT_REVIEW = "pt_review", "PT review before start"
        DOCTOR = "doctor", "See a doctor within a day or two"
        EMERGENCY = "emergency", "Emergency care now"

    patient = models.ForeignKey(User, on_delete=models.CASCADE, related_name="intakes")
    pain_areas = models.JSONField(default=list, help_text="Where it hurts: Area values.")
    pain_now = models.PositiveSmallIntegerField(help_text="0 (none) to 10 (worst imaginable).")
    goals = models.TextField(blank=True)
    hard_activities = models.JSONField(default=list, help_text="Activities that are hard now.")
    bladder_or_bowel_loss = models.BooleanField("loss of bladder or bowel control", default=False)
    urinary_retention = models.BooleanField(
        "cannot pass urine, or passing it has become difficult", default=False
    )
    saddle_numbness = models.BooleanField("numbness in the groin or inner thighs", default=False)
    progressive_leg_weakness = models.BooleanField(
        "leg weakness that is getting worse", default=False
    )
    both_legs_symptoms = models.BooleanField(
        "pain, numbness or weakness in both legs", default=False
    )
    fever_with_back_pain = models.BooleanField("fever together with back pain", default=False)
    unexplained_weight_loss = models.BooleanField("weight loss you cannot explain", default=False)
    history_of_cancer = models.BooleanField("a history of cancer", default=False)
    immunosuppression = models.BooleanField(
        "weakened immune system, long-term steroids or injected drug use", default=False
    )
    night_pain = models.BooleanField(
        "pain at night that rest or changing position does not ease", default=False
    )
    recent_major_fall_or_injury = models.BooleanField(
        "a recent major fall or injury", default=False
    )
    osteoporosis_with_fall = models.BooleanField(
        "osteoporosis (thin bones) and a fall", default=False
    )
    hip_replacement = models.BooleanField("a hip replacement", default=False)
    recent_surgery = models.BooleanField("surgery in the last 3 months", default=False)
    pregnancy = models.BooleanField("pregnant", default=False)
    in_their_words = models.TextField(
        blank=True, help_text="Anything the patient added about their answers, in their words."
    )
    has_red_flags = models.BooleanField(default=False, editable=False)
    red_flag_tier = models.CharField(
        max_length=10, choices=Tier.choices, default=Tier.NONE, blank=True, editable=False
    )
    submitted_at = models.DateTimeField(default=timezone.now)

    class Meta:
        db_table = "accounts_intake"
        ordering = ["-submitted_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(pain_now__gte=0, pain_now__lte=10), name="accounts_intake_pain_0_10"
            )
        ]

    def __str__(self) -> str:
        return f"Intake {self.pk} of patient {self.patient_id}"

    @property
    def flags(self) -> list[str]:
        """The names of the flags ticked, most urgent tier first."""
        return [name for name in RED_FLAG_FIELDS if getattr(self, name)]

    def flag_labels(self) -> list[tuple[str, str]]:
        """(tier label, question) for every ticked flag, most urgent first."""
        tier_of = {
            **dict.fromkeys(EMERGENCY_FLAGS, self.Tier.EMERGENCY.label),
            **dict.fromkeys(DOCTOR_FLAGS, self.Tier.DOCTOR.label),
            **dict.fromkeys(PT_REVIEW_FLAGS, self.Tier.PT_REVIEW.label),
        }
        return [(tier_of[name], flag_question(name)) for name in self.flags]


def flag_question(name: str) -> str:
    """The intake's wording of a flag (its field's verbose name), for the PT."""
    field = next((f for f in Intake._meta.fields if f.name == name), None)
    return str(field.verbose_name) if field else name


class IntakeClearance(models.Model):
    """A PT's decision that a program may start despite the intake's flags, and why."""

    intake = models.ForeignKey(Intake, on_delete=models.CASCADE, related_name="clearances")
    patient = models.ForeignKey(User, on_delete=models.CASCADE, related_name="intake_clearances")
    therapist = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    reason = models.TextField()
    cleared_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-cleared_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(reason=""), name="programs_intake_clearance_has_reason"
            )
        ]

    def __str__(self) -> str:
        return f"Clearance of intake {self.intake_id} by {self.therapist_id}"
