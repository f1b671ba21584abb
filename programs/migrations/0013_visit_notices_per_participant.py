from django.db import migrations, models


class Migration(migrations.Migration):
    """Both participants now get each visit notice (with its calendar invitation), each once.
    The old fields said only that "the other participant" was told; nothing reads them once the
    notice has gone, so they are dropped rather than guessed into the new ones."""

    dependencies = [("programs", "0012_completion_client_id")]

    operations = [
        migrations.RemoveField(model_name="visit", name="booking_notice_sent_at"),
        migrations.RemoveField(model_name="visit", name="cancel_notice_sent_at"),
        *(
            migrations.AddField(
                model_name="visit",
                name=f"{who}_{change}_notice_sent_at",
                field=models.DateTimeField(blank=True, null=True),
            )
            for who in ("patient", "therapist")
            for change in ("booking", "cancel")
        ),
    ]
