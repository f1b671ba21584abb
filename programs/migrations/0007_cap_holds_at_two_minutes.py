"""Holds longer than two minutes (allowed up to 600 s before) become 120 s, so that the next
migration's tighter check constraint holds. Reversing leaves them at 120 s: the old values were
typos, not prescriptions, and the old constraint accepts 120."""

from django.db import migrations

MAX_HOLD_SECONDS = 120


def cap_holds(apps, schema_editor):
    for model in ("PlanItem", "ProgramTemplateItem"):
        apps.get_model("programs", model).objects.filter(hold_seconds__gt=MAX_HOLD_SECONDS).update(
            hold_seconds=MAX_HOLD_SECONDS
        )


class Migration(migrations.Migration):
    dependencies = [("programs", "0006_intake_from_accounts")]

    operations = [migrations.RunPython(cap_holds, migrations.RunPython.noop)]
