"""Who may call the therapy's endpoints. Out of bounds answers 404, like the pages."""

from rest_framework.exceptions import NotFound
from rest_framework.permissions import BasePermission
from rest_framework.request import Request

from accounts.models import User


class PatientOnly(BasePermission):
    """The patient's own endpoints (today, progress). Anyone else signed in: 404."""

    def has_permission(self, request: Request, view: object) -> bool:
        if not request.user.is_authenticated:
            return False
        if not request.user.is_patient:
            raise NotFound()
        return True


class PlanEditor(BasePermission):
    """Writes to a patient's plan: therapists only (the patient is checked per call). Operations
    staff read plans but never change clinical content."""

    def has_permission(self, request: Request, view: object) -> bool:
        user = request.user
        if not user.is_authenticated:
            return False
        if not user.is_therapist:
            raise NotFound()
        return True


def therapist_only(request: Request) -> User:
    """The acting therapist; anyone else: 404."""
    if not request.user.is_therapist:
        raise NotFound()
    return request.user  # type: ignore[return-value]
