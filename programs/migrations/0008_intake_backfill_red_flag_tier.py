"""Data: the red-flag tier of intakes answered before tiers existed, from their ticked flags."""

from django.db import migrations

EMERGENCY = ("bladder_or_bowel_loss", "saddle_numbness", "progressive_leg_weakness")
DOCTOR = (
    "fever_with_back_pain",
    "unexplained_weight_loss",
    "history_of_cancer",
    "recent_major_fall_or_injury",
)


def backfill(apps, schema_editor):
    Intake = apps.get_model("programs", "Intake")
    for name in DOCTOR:
        Intake.objects.filter(**{name: True}, red_flag_tier="").update(red_flag_tier="doctor")
    for name in EMERGENCY:
        Intake.objects.filter(**{name: True}).update(red_flag_tier="emergency")


def unfill(apps, schema_editor):
    apps.get_model("programs", "Intake").objects.update(red_flag_tier="")


class Migration(migrations.Migration):
    dependencies = [("programs", "0007_intake_tiers_clearance_alert_owner")]
    operations = [migrations.RunPython(backfill, unfill)]
