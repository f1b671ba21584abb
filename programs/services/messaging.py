"""Writes of the care-team thread: post a message, mark a thread read."""

from django.db import transaction
from django.db.models import Max
from django.db.models.functions import Greatest

from accounts.models import User
from programs.models import MESSAGE_MAX_LENGTH, Message, ThreadReadState
from programs.selectors.messaging import thread_participant_ids
from therapy.celery import task_send
from therapy.errors import ApplicationError

# The API's answer for field errors, as it was when these were Django ValidationErrors.
NOT_VALID = "Some fields are not valid."


def _read_up_to(*, patient: User, user: User, message_id: int) -> None:
    state, created = ThreadReadState.objects.get_or_create(
        patient=patient, user=user, defaults={"last_read_message_id": message_id}
    )
    if not created and state.last_read_message_id < message_id:
        # Greatest() keeps a concurrent, newer mark from being moved backwards.
        ThreadReadState.objects.filter(pk=state.pk).update(
            last_read_message_id=Greatest("last_read_message_id", message_id)
        )


@transaction.atomic
def message_post(*, sender: User, patient: User, body: str) -> Message:
    """Add a message to the patient's thread and email the others after commit."""
    participants = thread_participant_ids(patient=patient)
    if sender.pk not in participants:
        raise ApplicationError(
            NOT_VALID, errors={"body": ["Only the patient and their care team can write here."]}
        )
    text = body.strip()
    if not text:
        raise ApplicationError(NOT_VALID, errors={"body": ["Write a message before sending it."]})
    if len(text) > MESSAGE_MAX_LENGTH:
        raise ApplicationError(
            NOT_VALID,
            errors={
                "body": [
                    f"Messages can be at most {MESSAGE_MAX_LENGTH} characters; "
                    f"this one has {len(text)}."
                ]
            },
        )
    message = Message.objects.create(patient=patient, sender=sender, body=text)
    _read_up_to(patient=patient, user=sender, message_id=message.pk)
    ThreadReadState.objects.bulk_create(
        [ThreadReadState(patient=patient, user_id=uid) for uid in participants if uid != sender.pk],
        ignore_conflicts=True,
    )

    transaction.on_commit(lambda: task_send("programs.tasks.message_notify_task", message.pk))
    return message


@transaction.atomic
def thread_mark_read(*, user: User, patient: User) -> None:
    latest = Message.objects.filter(patient=patient).aggregate(latest=Max("id"))["latest"]
    if latest is not None:
        _read_up_to(patient=patient, user=user, message_id=latest)
