"""Data: health plans match on member ID. Reversing leaves the flag as it is."""

from django.db import migrations


def require_member_id_for_health_plans(apps, schema_editor):
    Sponsor = apps.get_model("accounts", "Sponsor")
    Sponsor.objects.filter(kind="health_plan").update(requires_member_id=True)


class Migration(migrations.Migration):
    dependencies = [("accounts", "0002_sponsors_rosters_eligibility_intake")]

    operations = [
        migrations.RunPython(require_member_id_for_health_plans, migrations.RunPython.noop),
    ]
