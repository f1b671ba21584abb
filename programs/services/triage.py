"""Writes of the staff care-coordination queue: staff assign a primary PT to a patient who has
none. Staff never change clinical content; they only give the patient an owner. Audited."""

from typing import TYPE_CHECKING

from django.core.exceptions import ValidationError
from django.db import transaction

from accounts.models import CareTeamLink, User
from accounts.services.audit import Action, audit_record
from accounts.services.people import care_team_assign_primary
from programs.services.alerts import alerts_reassign_owner
from therapy.errors import ApplicationError

if TYPE_CHECKING:
    from django.http import HttpRequest
    from rest_framework.request import Request


@transaction.atomic
def triage_assign_therapist(
    *,
    staff: User,
    patient_id: int,
    therapist_id: int,
    audit_as: "HttpRequest | Request | User | None" = None,
) -> CareTeamLink:
    """Make `therapist_id` the primary PT of `patient_id` (a PT licensed in the patient's
    state). The patient's open alerts move to the PT, who is emailed about the urgent ones."""
    if not staff.is_operations_staff:
        raise ApplicationError("Only care-coordination staff assign a PT here.")
    patient = (
        User.objects.select_related("patient_profile")
        .filter(pk=patient_id, role=User.Role.PATIENT, is_active=True)
        .first()
    )
    if patient is None:
        raise ApplicationError(
            "No such patient.", errors={"patient_id": ["No such patient."]}, status=404
        )
    therapist = (
        User.objects.select_related("therapist_profile")
        .filter(pk=therapist_id, role=User.Role.THERAPIST, is_active=True)
        .first()
    )
    if therapist is None:
        raise ApplicationError(
            "Choose an active physical therapist.",
            errors={"therapist_id": ["No such physical therapist."]},
        )
    state = patient.patient_profile.state
    if not state or therapist.therapist_profile.license_state != state:
        raise ApplicationError(
            f"This physical therapist is not licensed in the patient's state ({state or '?'}).",
            errors={"therapist_id": ["Not licensed in the patient's state."]},
        )
    try:
        link = care_team_assign_primary(patient=patient, therapist=therapist)
    except ValidationError as exc:
        raise ApplicationError.from_validation(exc) from exc
    alerts_reassign_owner(patient_id=patient.pk, therapist_id=therapist.pk)
    audit_record(
        request_or_actor=audit_as or staff,
        patient_id=patient.pk,
        action=Action.CREATE,
        obj=link,
    )
    return link
