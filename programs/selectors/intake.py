"""Reads of the intake: the latest answers of a patient, for their PT (or staff)."""

from dataclasses import dataclass

from django.http import Http404

from accounts.models import User
from accounts.selectors import patient_get_for_user
from programs.models import Intake, IntakeClearance


@dataclass(frozen=True)
class IntakeReview:
    patient: User
    phone: str
    intake: Intake | None
    clearances: list[IntakeClearance]

    @property
    def open_flag(self) -> bool:
        """Flags no PT has cleared yet."""
        return bool(self.intake and self.intake.has_red_flags and not self.clearances)


def intake_review_for_user(*, user: User, patient_id: int) -> IntakeReview:
    """The patient's latest intake with its clearances. Their PT and staff only; 404 else."""
    if not (user.is_therapist or user.is_operations_staff):
        raise Http404("No such patient.")
    patient = patient_get_for_user(user=user, patient_id=patient_id)
    intake = Intake.objects.filter(patient=patient).first()
    clearances = (
        list(IntakeClearance.objects.filter(intake=intake).select_related("therapist"))
        if intake
        else []
    )
    profile = getattr(patient, "patient_profile", None)
    return IntakeReview(
        patient=patient,
        phone=profile.phone if profile else "",
        intake=intake,
        clearances=clearances,
    )
