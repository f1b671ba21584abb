"""Reads of a patient's plan: the active plan, its items and versions."""

from django.db.models import Prefetch, QuerySet
from django.http import Http404

from accounts.models import User
from accounts.selectors import patient_get_for_user
from programs.models import (
    Completion,
    Plan,
    PlanItem,
    PlanVersion,
)
from therapy.permissions import get_patient_record_or_404, scope_patient_records


def plan_active_for_patient(*, patient: User) -> Plan | None:
    return (
        Plan.objects.select_related("current_version", "current_version__created_by", "template")
        .filter(patient=patient, status=Plan.Status.ACTIVE)
        .first()
    )


def plan_get_for_user(*, user: User, patient_id: int) -> Plan:
    """The active plan of a patient the user may see; 404 when no access or no plan."""
    plans = Plan.objects.filter(status=Plan.Status.ACTIVE).select_related(
        "current_version", "current_version__created_by", "patient", "template"
    )
    return get_patient_record_or_404(plans, user=user, patient_id=patient_id)


def plan_items(*, version: PlanVersion, with_variants: bool = True) -> list[PlanItem]:
    """The version's items with their exercises. with_variants=False leaves out the easier
    and harder variants' rows (their ids are on the exercise): the Today page shows none."""
    related = ["exercise"]
    if with_variants:
        related += ["exercise__regression", "exercise__progression"]
    return list(version.items.select_related(*related).order_by("order"))


def plan_versions(*, plan: Plan) -> QuerySet[PlanVersion]:
    return (
        plan.versions.select_related("created_by")
        .prefetch_related(Prefetch("items", queryset=PlanItem.objects.select_related("exercise")))
        .order_by("-number")
    )


def patient_for_plan_editor(*, user: User, patient_id: int) -> User:
    """The patient whose plan `user` may change: their own PTs; 404 for anyone else. Operations
    staff read plans but never change clinical content (docs/security.md)."""
    if not (user.is_authenticated and user.is_therapist):
        raise Http404("No such patient.")
    return patient_get_for_user(user=user, patient_id=patient_id)


def patient_for_plan_reader(*, user: User, patient_id: int) -> User:
    """The patient whose plan history `user` may read: their own PTs and staff; else 404."""
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
