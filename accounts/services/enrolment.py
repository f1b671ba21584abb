"""Enrolment: a covered person becomes a patient, linked to their roster entry, with a PT."""

from django.db import transaction
from django.db.models import Count, OuterRef, Subquery, Value
from django.db.models.functions import Coalesce
from django.utils import timezone

from accounts.models import CareTeamLink, Enrolment, RosterEntry, User
from accounts.services.people import (
    FIELDS_NOT_VALID,
    care_team_assign_primary,
    patient_sign_up,
)
from therapy.errors import ApplicationError


def therapist_pick_for_state(*, state: str) -> User | None:
    """The PT licensed in `state` with the fewest active patients (ties: the longest-serving)."""
    active_patients = (
        CareTeamLink.objects.filter(therapist=OuterRef("pk"), ended_at__isnull=True)
        .order_by()
        .values("therapist")
        .annotate(n=Count("pk"))
        .values("n")
    )
    return (
        User.objects.filter(
            role=User.Role.THERAPIST,
            is_active=True,
            therapist_profile__license_state=state,
            therapist_profile__accepting_patients=True,
        )
        .annotate(load=Coalesce(Subquery(active_patients), Value(0)))
        .order_by("load", "pk")
        .first()
    )


@transaction.atomic
def enrolment_create(
    *,
    roster_entry: RosterEntry,
    email: str,
    password: str,
    state: str,
    time_zone: str,
    phone: str = "",
    preferred_language: str = "en",
) -> User:
    """Create the patient account for a covered roster entry and give them a primary PT."""
    entry = RosterEntry.objects.select_for_update().get(pk=roster_entry.pk)
    if not entry.is_covered_on(timezone.localdate()):
        raise ApplicationError("This coverage is not active today.")
    if Enrolment.objects.filter(roster_entry=entry).exists():
        raise ApplicationError(
            "An account already exists for this coverage. Log in, or reset your password."
        )
    if not state:
        raise ApplicationError(
            FIELDS_NOT_VALID, errors={"state": ["Choose the state you live in."]}
        )
    user = patient_sign_up(
        email=email,
        password=password,
        first_name=entry.first_name,
        last_name=entry.last_name,
        date_of_birth=entry.date_of_birth,
        time_zone=time_zone,
        phone=phone,
        preferred_language=preferred_language,
        state=state,
    )
    Enrolment.objects.create(user=user, roster_entry=entry)
    therapist = therapist_pick_for_state(state=state)
    if therapist is not None:
        care_team_assign_primary(patient=user, therapist=therapist)
    return user


__all__ = [
    "enrolment_create",
    "therapist_pick_for_state",
]
