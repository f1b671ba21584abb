"""Writes a patient makes while exercising: completions with pain and difficulty, finishing."""

from datetime import date

from django.db import IntegrityError, transaction
from django.utils import timezone

from accounts.models import User
from programs import sessions_schedule
from programs.models import Completion, ExerciseSession, Plan
from therapy.celery import task_send
from therapy.errors import ApplicationError


def _today(patient: User) -> date:
    return sessions_schedule.local_today(patient.patient_profile.time_zone)


@transaction.atomic
def completion_record(*, patient: User, exercise_id: int, pain: int, difficulty: str) -> Completion:
    """Mark one exercise of the current plan done today, with pain 0-10 and how it felt."""
    errors: dict[str, list[str]] = {}
    if not isinstance(pain, int) or not 0 <= pain <= 10:
        errors["pain"] = ["Pain must be a whole number from 0 (none) to 10 (worst)."]
    if difficulty not in Completion.Feel.values:
        errors["difficulty"] = ["Choose too easy, about right or too hard."]
    if errors:
        raise ApplicationError("Some fields are not valid.", errors=errors)

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
    today = _today(patient)
    session, _ = ExerciseSession.objects.get_or_create(
        patient=patient, local_date=today, defaults={"plan_version": plan.current_version}
    )
    if session.completions.filter(exercise_id=exercise_id).exists():
        raise ApplicationError(
            f"{item.exercise.name} is already marked done today.",
            errors={"exercise": ["Already done today."]},
        )
    try:
        with transaction.atomic():
            completion = Completion.objects.create(
                session=session,
                plan_item=item,
                exercise_id=exercise_id,
                pain=pain,
                difficulty=difficulty,
            )
    except IntegrityError as exc:  # a double click racing itself
        raise ApplicationError(f"{item.exercise.name} is already marked done today.") from exc
    # Pain and "too hard" may call for an alert: the worker re-evaluates this patient.
    patient_id = patient.pk
    transaction.on_commit(
        lambda: task_send("programs.tasks.programs_alerts_evaluate_task", [patient_id])
    )
    return completion


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
