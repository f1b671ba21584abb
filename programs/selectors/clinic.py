"""Reads for the PT's side: the plan editor's patient and what the patient did lately."""

from django.http import Http404

from accounts.models import User
from accounts.selectors import patient_get_for_user
from programs.models import Completion
from therapy.permissions import scope_patient_records


def patient_for_plan_editor(*, user: User, patient_id: int) -> User:
    """The patient whose plan `user` may change: their own PTs and staff; 404 for anyone else."""
    if not (user.is_authenticated and (user.is_therapist or user.is_operations_staff)):
        raise Http404("No such patient.")
    return patient_get_for_user(user=user, patient_id=patient_id)


def completions_recent(*, user: User, patient: User, limit: int = 20) -> list[Completion]:
    """The patient's latest completions, newest first, with pain and how hard it felt."""
    completions = Completion.objects.filter(session__patient=patient).select_related(
        "exercise", "session"
    )
    return list(
        scope_patient_records(completions, user=user, field="session__patient").order_by(
            "-completed_at"
        )[:limit]
    )
