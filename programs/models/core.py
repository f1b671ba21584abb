"""The therapy itself: exercises, program templates, patients' versioned plans, sessions."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone

MAX_SETS = 10
MAX_REPS = 50
MAX_HOLD_SECONDS = 600  # ten minutes: anything longer is a typo, not a stretch


class BodyRegion(models.TextChoices):
    HIP = "hip", "Hip and hip flexors"
    LOWER_BACK = "lower_back", "Lower back"
    CORE = "core", "Core"
    GLUTES = "glutes", "Glutes"


class Difficulty(models.IntegerChoices):
    GENTLE = 1, "Gentle"
    MODERATE = 2, "Moderate"
    CHALLENGING = 3, "Challenging"


def _dosage_constraints(prefix: str) -> list[models.BaseConstraint]:
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
        amount = f"{self.hold_seconds} s hold" if self.is_hold else f"{self.reps}"
        text = f"{self.sets} x {amount}"
        return f"{text} each side" if self.per_side else text


class Exercise(models.Model):
    name = models.CharField(max_length=120, unique=True)
    slug = models.SlugField(max_length=80, unique=True)
    body_region = models.CharField(max_length=20, choices=BodyRegion.choices)
    summary = models.CharField(max_length=240)
    instructions = models.TextField(help_text="One step per line, plain language.")
    safety_cues = models.TextField(help_text="One cue per line: when to stop or ease off.")
    illustration = models.CharField(
        max_length=200, help_text="Path under static/, e.g. img/exercises/glute-bridge.svg"
    )
    illustration_alt = models.CharField(max_length=300)
    difficulty = models.PositiveSmallIntegerField(
        choices=Difficulty.choices, default=Difficulty.GENTLE
    )
    default_sets = models.PositiveSmallIntegerField(default=2)
    default_reps = models.PositiveSmallIntegerField(null=True, blank=True)
    default_hold_seconds = models.PositiveSmallIntegerField(null=True, blank=True)
    default_per_side = models.BooleanField(default=False)
    default_sessions_per_week = models.PositiveSmallIntegerField(default=7)
    regression = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text="The easier variant.",
    )
    progression = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text="The harder variant.",
    )
    is_active = models.BooleanField(default=True)

    class Meta:
        ordering = ["name"]
        constraints = [
            models.CheckConstraint(
                condition=(
                    Q(default_reps__isnull=False, default_hold_seconds__isnull=True)
                    | Q(default_reps__isnull=True, default_hold_seconds__isnull=False)
                ),
                name="exercise_default_reps_xor_hold",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def instruction_steps(self) -> list[str]:
        return [line.strip() for line in self.instructions.splitlines() if line.strip()]

    def safety_cue_list(self) -> list[str]:
        return [line.strip() for line in self.safety_cues.splitlines() if line.strip()]


class ProgramTemplate(models.Model):
    name = models.CharField(max_length=120)
    slug = models.SlugField(max_length=80, unique=True)
    condition = models.CharField(max_length=120)
    description = models.TextField()

    def __str__(self) -> str:
        return self.name


class ProgramTemplateItem(Dosage):
    template = models.ForeignKey(ProgramTemplate, on_delete=models.CASCADE, related_name="items")
    exercise = models.ForeignKey(Exercise, on_delete=models.PROTECT, related_name="+")
    order = models.PositiveSmallIntegerField()

    class Meta:
        ordering = ["order"]
        constraints = [
            *_dosage_constraints("templateitem"),
            models.UniqueConstraint(fields=["template", "exercise"], name="templateitem_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.template_id}: {self.exercise_id}"


class Plan(models.Model):
    """A patient's program. Its content lives in versions; every change makes a new one."""

    class Status(models.TextChoices):
        ACTIVE = "active", "Active"
        ENDED = "ended", "Ended"

    patient = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="plans"
    )
    template = models.ForeignKey(
        ProgramTemplate, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
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
    exercise = models.ForeignKey(Exercise, on_delete=models.PROTECT, related_name="+")
    order = models.PositiveSmallIntegerField()
    note = models.CharField(max_length=500, blank=True, help_text="A note from your PT.")

    class Meta:
        ordering = ["version", "order"]
        constraints = [
            *_dosage_constraints("planitem"),
            models.UniqueConstraint(fields=["version", "exercise"], name="planitem_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.exercise_id} in version {self.version_id}"


class ExerciseSession(models.Model):
    """One patient's exercise on one local day (their own time zone)."""

    patient = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="exercise_sessions"
    )
    plan_version = models.ForeignKey(PlanVersion, on_delete=models.PROTECT, related_name="+")
    local_date = models.DateField()
    started_at = models.DateTimeField(default=timezone.now)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-local_date"]
        constraints = [
            models.UniqueConstraint(fields=["patient", "local_date"], name="session_one_per_day")
        ]
        indexes = [models.Index(fields=["patient", "-local_date"], name="session_patient_day")]

    def __str__(self) -> str:
        return f"Session of {self.patient_id} on {self.local_date}"


class Completion(models.Model):
    class Feel(models.TextChoices):
        TOO_EASY = "too_easy", "Too easy"
        ABOUT_RIGHT = "about_right", "About right"
        TOO_HARD = "too_hard", "Too hard"

    session = models.ForeignKey(
        ExerciseSession, on_delete=models.CASCADE, related_name="completions"
    )
    plan_item = models.ForeignKey(PlanItem, on_delete=models.PROTECT, related_name="completions")
    exercise = models.ForeignKey(Exercise, on_delete=models.PROTECT, related_name="+")
    pain = models.PositiveSmallIntegerField(help_text="0 = no pain, 10 = worst imaginable.")
    difficulty = models.CharField(max_length=12, choices=Feel.choices)
    completed_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["completed_at"]
        constraints = [
            models.UniqueConstraint(fields=["session", "exercise"], name="completion_once_per_day"),
            models.CheckConstraint(
                condition=Q(pain__gte=0, pain__lte=10), name="completion_pain_0_10"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.exercise_id} done in session {self.session_id}"


class Article(models.Model):
    """Education, editable in the admin. Body is Markdown-free plain text with blank-line paragraphs
    and lines starting with '## ' as headings, so no HTML is ever stored or trusted."""

    title = models.CharField(max_length=200)
    slug = models.SlugField(max_length=80, unique=True)
    summary = models.CharField(max_length=300)
    body = models.TextField()
    published = models.BooleanField(default=True)
    updated_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("programs:article", args=[self.slug])

    def blocks(self) -> list[tuple[str, str]]:
        """The body as ("h2" | "p", text) blocks for the template."""
        out: list[tuple[str, str]] = []
        for chunk in self.body.split("\n\n"):
            chunk = chunk.strip()
            if not chunk:
                continue
            if chunk.startswith("## "):
                out.append(("h2", chunk[3:].strip()))
            else:
                out.append(("p", " ".join(chunk.split())))
        return out
