from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("accounts", "0003_health_plans_require_member_id")]

    operations = [
        migrations.AddConstraint(
            model_name="sponsor",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    models.Q(("kind", "health_plan"), _negated=True),
                    ("requires_member_id", True),
                    _connector="OR",
                ),
                name="accounts_health_plan_requires_member_id",
            ),
        ),
    ]
