"""The intake, moved from accounts: state only. Its table stays accounts_intake (db_table), so
no row moves and nothing is created."""

import django.db.models.deletion
import django.utils.timezone
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0008_intake_moves_to_programs"),
        ("programs", "0005_merge_care_team"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            database_operations=[],
            state_operations=[
                migrations.CreateModel(
                    name="Intake",
                    fields=[
                        (
                            "id",
                            models.BigAutoField(
                                auto_created=True,
                                primary_key=True,
                                serialize=False,
                                verbose_name="ID",
                            ),
                        ),
                        (
                            "pain_areas",
                            models.JSONField(
                                default=list, help_text="Where it hurts: Area values."
                            ),
                        ),
                        (
                            "pain_now",
                            models.PositiveSmallIntegerField(
                                help_text="0 (none) to 10 (worst imaginable)."
                            ),
                        ),
                        ("goals", models.TextField(blank=True)),
                        (
                            "hard_activities",
                            models.JSONField(
                                default=list, help_text="Activities that are hard now."
                            ),
                        ),
                        (
                            "bladder_or_bowel_loss",
                            models.BooleanField(
                                default=False, verbose_name="loss of bladder or bowel control"
                            ),
                        ),
                        (
                            "saddle_numbness",
                            models.BooleanField(
                                default=False, verbose_name="numbness in the groin or inner thighs"
                            ),
                        ),
                        (
                            "fever_with_back_pain",
                            models.BooleanField(
                                default=False, verbose_name="fever together with back pain"
                            ),
                        ),
                        (
                            "unexplained_weight_loss",
                            models.BooleanField(
                                default=False, verbose_name="weight loss you cannot explain"
                            ),
                        ),
                        (
                            "history_of_cancer",
                            models.BooleanField(default=False, verbose_name="a history of cancer"),
                        ),
                        (
                            "recent_major_fall_or_injury",
                            models.BooleanField(
                                default=False, verbose_name="a recent major fall or injury"
                            ),
                        ),
                        (
                            "progressive_leg_weakness",
                            models.BooleanField(
                                default=False, verbose_name="leg weakness that is getting worse"
                            ),
                        ),
                        ("has_red_flags", models.BooleanField(default=False, editable=False)),
                        ("submitted_at", models.DateTimeField(default=django.utils.timezone.now)),
                        (
                            "patient",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.CASCADE,
                                related_name="intakes",
                                to=settings.AUTH_USER_MODEL,
                            ),
                        ),
                    ],
                    options={
                        "db_table": "accounts_intake",
                        "ordering": ["-submitted_at", "-id"],
                        "constraints": [
                            models.CheckConstraint(
                                condition=models.Q(("pain_now__gte", 0), ("pain_now__lte", 10)),
                                name="accounts_intake_pain_0_10",
                            )
                        ],
                    },
                ),
            ],
        ),
    ]
