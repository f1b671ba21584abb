"""Writes a patient makes while exercising: completions with pain and difficulty, finishing."""

import uuid
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from django.db import IntegrityError, transaction
from django.utils import timezone

from accounts.models import User
from programs import sessions_schedule
from programs.models import Completion, ExerciseSession, Plan
from therapy.celery import task_send
from therapy.errors import ApplicationError


def _today(patient: User) -> date:
    return sessions_schedule.local_today(patient.patient_profile.time_zone)


# A completion made offline may be sent up to a week later; a browser clock a little ahead of
# ours is tolerated, a time further in the future is refused.
OFFLINE_COMPLETION_MAX_AGE = timedelta(days=7)
CLOCK_SKEW = timedelta(minutes=5)


@dataclass(frozen=True)
class CompletionResult:
    completion: Completion
    created: bool  # False: the client id was seen before and this is the original


def completion_record(*, patient: User, exercise_id: int, pain: int, difficulty: str) -> Completion:
    """Mark one exercise of the current plan done today, with pain 0-10 and how it felt."""
    return completion_sync(
        patient=patient, exercise_id=exercise_id, pain=pain, difficulty=difficulty
    ).completion


@transaction.atomic
def completion_sync(
    *,
    patient: User,
    exercise_id: int,
    pain: int,
    difficulty: str,
    client_id: uuid.UUID | None = None,
    completed_at: datetime | None = None,
) -> CompletionResult:
    """Record a completion, possibly made offline at `completed_at` and sent later.

    With a `client_id` the call is idempotent: a repeat (a retry, the page and the service
    worker both sending) returns the first completion with that id, never a second row. The id
    is looked up among this patient's completions only, so another patient's id means nothing.
    The completion counts for the patient's local day of `completed_at`."""
    errors: dict[str, list[str]] = {}
    if not isinstance(pain, int) or not 0 <= pain <= 10:
        errors["pain"] = ["Pain must be a whole number from 0 (none) to 10 (worst)."]
    if difficulty not in Completion.Feel.values:
        errors["difficulty"] = ["Choose too easy, about right or too hard."]
    now = timezone.now()
    if completed_at is not None and completed_at > now + CLOCK_SKEW:
        errors["completed_at"] = ["The time it was done cannot be in the future."]
    elif completed_at is not None and completed_at < now - OFFLINE_COMPLETION_MAX_AGE:
        errors["completed_at"] = ["Completions older than 7 days cannot be sent any more."]
    if errors:
        raise ApplicationError("Some fields are not valid.", errors=errors)

    if client_id is not None:
        # One send at a time per patient, so the look-up below sees any earlier send with this
        # id that has committed: a double submit waits here, then finds the original.
        User.objects.select_for_update(no_key=True).filter(pk=patient.pk).first()
        existing = (
            Completion.objects.select_related("session")
            .filter(session__patient=patient, client_id=client_id)
            .first()
        )
        if existing is not None:
            return CompletionResult(completion=existing, created=False)

    plan = (
        Plan.objects.select_related("current_version")
        .filter(patient=patient, status=Plan.Status.ACTIVE)
        .first()
    )
    if plan is None or plan.current_version is None:
        raise ApplicationError("You have no active program yet.")
    item = plan.current_version.items.filter(exercise_id=exercise_id).first()
    if item is None:
        raise ApplicationError(
            "That exercise is not in today's plan.",
            errors={"exercise": ["Not in your current plan."]},
        )
    if completed_at is None:
        day = _today(patient)
    else:
        day = sessions_schedule.local_today(patient.patient_profile.time_zone, now=completed_at)
    session, _ = ExerciseSession.objects.get_or_create(
        patient=patient, local_date=day, defaults={"plan_version": plan.current_version}
    )
    when = "today" if day == _today(patient) else f"on {day:%a} {day.day} {day:%b}"
    if session.completions.filter(exercise_id=exercise_id).exists():
        raise ApplicationError(
            f"{item.exercise.name} is already marked done {when}.",
            errors={"exercise": [f"Already done {when}."]},
        )
    try:
        with transaction.atomic():
            completion = Completion.objects.create(
                session=session,
                plan_item=item,
                exercise_id=exercise_id,
                pain=pain,
                difficulty=difficulty,
                client_id=client_id,
                completed_at=completed_at or now,
            )
    except IntegrityError as exc:  # a double click racing itself
        raise ApplicationError(f"{item.exercise.name} is already marked done {when}.") from exc
    # Pain and "too hard" may call for an alert: the worker re-evaluates this patient.
    patient_id = patient.pk
    transaction.on_commit(
        lambda: task_send("programs.tasks.programs_alerts_evaluate_task", [patient_id])
    )
    return CompletionResult(completion=completion, created=True)


@transaction.atomic
def session_finish(*, patient: User) -> ExerciseSession:
    today = _today(patient)
    session = (
        ExerciseSession.objects.select_for_update()
        .filter(patient=patient, local_date=today)
        .first()
    )
    if session is None or not session.completions.exists():
        raise ApplicationError("Mark at least one exercise done before finishing the session.")
    if session.finished_at is None:
        session.finished_at = timezone.now()
        session.save(update_fields=["finished_at"])
        # A finished session may be the one that makes a plan item ready to change.
        patient_id = patient.pk
        transaction.on_commit(
            lambda: task_send("programs.tasks.progression_check_task", [patient_id])
        )
    return session
