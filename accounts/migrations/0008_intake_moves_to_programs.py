"""The intake moved to programs (programs 0006 takes it into its state). Only Django's model
state changes here: the table keeps its name, accounts_intake, and its rows."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0007_merge_security_and_eligibility"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            database_operations=[],
            state_operations=[
                migrations.RemoveConstraint(model_name="intake", name="accounts_intake_pain_0_10"),
                migrations.DeleteModel(name="Intake"),
            ],
        ),
    ]
