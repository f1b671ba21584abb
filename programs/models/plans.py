"""A patient's versioned plan, and the dosage its items (and the library's) carry."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone

MAX_SETS = 10


MAX_REPS = 50


# Two minutes: a static stretch is held 15-60 s (ACSM); longer is split into sets. The editor
# warns above HOLD_WARN_SECONDS and refuses above MAX_HOLD_SECONDS (docs/api.md).
MAX_HOLD_SECONDS = 120
HOLD_WARN_SECONDS = 60
HOLD_TOO_LONG = (
    f"A hold can be at most {MAX_HOLD_SECONDS} seconds; for a longer stretch, add sets instead."
)


REPS_XOR_HOLD_MESSAGE = "Give either reps or a hold time, not both."


def reps_xor_hold_error(*, reps: int | None, hold_seconds: int | None) -> str | None:
    """The "reps or hold, not both" rule of `dosage_constraints`, for forms, serializers and
    services to say before the database would refuse: the message, or None when it holds."""
    return REPS_XOR_HOLD_MESSAGE if (reps is None) == (hold_seconds is None) else None


def dosage_text(*, sets: int, reps: int | None, hold_seconds: int | None, per_side: bool) -> str:
    """A dosage as the patient and the PT read it: "3 x 12", "2 x 30 s hold each side"."""
    amount = f"{hold_seconds} s hold" if hold_seconds is not None else f"{reps}"
    text = f"{sets} x {amount}"
    return f"{text} each side" if per_side else text


def dosage_constraints(prefix: str) -> list[models.BaseConstraint]:
    """Sets, reps or hold, frequency: the same sane bounds wherever a dosage is stored."""
    return [
        models.CheckConstraint(
            condition=Q(sets__gte=1, sets__lte=MAX_SETS), name=f"{prefix}_sets_range"
        ),
        models.CheckConstraint(
            condition=(
                Q(reps__isnull=False, hold_seconds__isnull=True)
                | Q(reps__isnull=True, hold_seconds__isnull=False)
            ),
            name=f"{prefix}_reps_xor_hold",
        ),
        models.CheckConstraint(
            condition=Q(reps__isnull=True) | Q(reps__gte=1, reps__lte=MAX_REPS),
            name=f"{prefix}_reps_range",
        ),
        models.CheckConstraint(
            condition=Q(hold_seconds__isnull=True)
            | Q(hold_seconds__gte=1, hold_seconds__lte=MAX_HOLD_SECONDS),
            name=f"{prefix}_hold_range",
        ),
        models.CheckConstraint(
            condition=Q(sessions_per_week__gte=1, sessions_per_week__lte=7),
            name=f"{prefix}_frequency_range",
        ),
    ]


class Dosage(models.Model):
    """How much of an exercise: shared by library defaults, template items and plan items."""

    sets = models.PositiveSmallIntegerField(default=2)
    reps = models.PositiveSmallIntegerField(null=True, blank=True)
    hold_seconds = models.PositiveSmallIntegerField(null=True, blank=True)
    per_side = models.BooleanField(default=False, help_text="Do the dosage on each side.")
    sessions_per_week = models.PositiveSmallIntegerField(default=7)

    class Meta:
        abstract = True

    @property
    def is_hold(self) -> bool:
        return self.hold_seconds is not None

    def dosage_text(self) -> str:
        return dosage_text(
            sets=self.sets,
            reps=self.reps,
            hold_seconds=self.hold_seconds,
            per_side=self.per_side,
        )


class Plan(models.Model):
    """A patient's program. Its content lives in versions; every change makes a new one."""

    class Status(models.TextChoices):
        ACTIVE = "active", "Active"
        ENDED = "ended", "Ended"

    patient = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="plans"
    )
    template = models.ForeignKey(
        "programs.ProgramTemplate",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.ACTIVE)
    current_version = models.ForeignKey(
        "PlanVersion", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    ended_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["patient"], condition=Q(status="active"), name="plan_one_active_per_patient"
            )
        ]

    def __str__(self) -> str:
        return f"Plan {self.pk} of patient {self.patient_id}"

    def get_absolute_url(self) -> str:
        return reverse("programs:plan-edit", args=[self.patient_id])


class PlanVersion(models.Model):
    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="versions")
    number = models.PositiveIntegerField()
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    change_summary = models.TextField(
        blank=True, help_text="What changed, one line per change, in words for the patient."
    )
    seen_by_patient_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["plan", "-number"]
        constraints = [
            models.UniqueConstraint(fields=["plan", "number"], name="planversion_unique_number")
        ]

    def __str__(self) -> str:
        return f"Plan {self.plan_id} v{self.number}"

    def change_lines(self) -> list[str]:
        return [line for line in self.change_summary.splitlines() if line.strip()]


class PlanItem(Dosage):
    version = models.ForeignKey(PlanVersion, on_delete=models.CASCADE, related_name="items")
    exercise = models.ForeignKey("programs.Exercise", on_delete=models.PROTECT, related_name="+")
    order = models.PositiveSmallIntegerField()
    note = models.CharField(max_length=500, blank=True, help_text="A note from your PT.")

    class Meta:
        ordering = ["version", "order"]
        constraints = [
            *dosage_constraints("planitem"),
            models.UniqueConstraint(fields=["version", "exercise"], name="planitem_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.exercise_id} in version {self.version_id}"
