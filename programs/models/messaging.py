"""Messages between a patient and their care team: one thread per patient."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.db.models.functions import Length

# `body__length` in the constraint below.
models.TextField.register_lookup(Length)

MESSAGE_MAX_LENGTH = 4000


class Message(models.Model):
    """One message in a patient's thread. The thread is the patient: every care-team PT sees it."""

    patient = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="thread_messages"
    )
    sender = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="sent_messages"
    )
    body = models.TextField(max_length=MESSAGE_MAX_LENGTH)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(body__length__gte=1, body__length__lte=MESSAGE_MAX_LENGTH),
                name="programs_message_body_length",
            )
        ]
        indexes = [models.Index(fields=["patient", "id"], name="programs_message_thread_idx")]

    def __str__(self) -> str:
        return f"Message {self.pk} in thread of {self.patient_id}"


class ThreadReadState(models.Model):
    """What one participant has read of a thread, and when we last emailed them about it."""

    patient = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="thread_read_states"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="read_states"
    )
    last_read_message_id = models.BigIntegerField(default=0)
    notified_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["patient", "user"], name="programs_one_read_state_per_participant"
            )
        ]

    def __str__(self) -> str:
        return f"Read state of {self.user_id} in thread of {self.patient_id}"
