"""The library: exercises, program templates and education articles."""

from django.db import models
from django.db.models import Q
from django.urls import reverse

from programs.models.plans import Dosage, dosage_constraints
from programs.models.sessions import Difficulty


class BodyRegion(models.TextChoices):
    HIP = "hip", "Hip and hip flexors"
    LOWER_BACK = "lower_back", "Lower back"
    CORE = "core", "Core"
    GLUTES = "glutes", "Glutes"


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
            *dosage_constraints("templateitem"),
            models.UniqueConstraint(fields=["template", "exercise"], name="templateitem_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.template_id}: {self.exercise_id}"


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
