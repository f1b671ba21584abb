"""Demo availability and a first message for `make run` (see seed_demo). Idempotent."""

from datetime import time

from django.db import transaction

from accounts.models import User
from programs.models import Message, ThreadReadState, VisitSchedule
from programs.services.visits import availability_set
from programs.visit_slots import WeeklyWindow

WELCOME = (
    "Welcome to your program! I'm your physical therapist. Write to me here with any "
    "questions about your exercises, and book a video visit under Visits when you'd like to talk."
)


@transaction.atomic
def seed_messages_and_visits(*, patient: User, therapists: list[User]) -> None:
    for therapist in therapists:
        if not VisitSchedule.objects.filter(therapist=therapist).exists():
            availability_set(
                therapist=therapist,
                visit_minutes=30,
                windows=[WeeklyWindow(day, time(9, 0), time(17, 0)) for day in range(5)],
            )
    primary = therapists[0]
    if not Message.objects.filter(patient=patient).exists():
        message = Message.objects.create(patient=patient, sender=primary, body=WELCOME)
        ThreadReadState.objects.create(
            patient=patient, user=primary, last_read_message_id=message.pk
        )
