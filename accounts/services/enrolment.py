"""Enrolment: a covered person becomes a patient, linked to their roster entry, with a PT."""

from datetime import date, timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.db.models import Count, OuterRef, Subquery, Value
from django.db.models.functions import Coalesce
from django.utils import timezone

from accounts.models import CareTeamLink, Enrolment, Invitation, RosterEntry, User
from accounts.people_zones import time_zone_for_state
from accounts.services.people import (
    FIELDS_NOT_VALID,
    care_team_assign_primary,
    patient_sign_up,
)
from therapy.celery import task_send
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
    # The browser's zone when it sent one, else the state's usual zone (never a fixed default).
    time_zone = time_zone.strip() or time_zone_for_state(state)
    if entry.email and email.strip().lower() != entry.email.strip().lower():
        # The account takes the address the sponsor has on file, so whoever can read that
        # mailbox (the real person) can always reset the password and take it back.
        raise ApplicationError(
            FIELDS_NOT_VALID,
            errors={"email": ["Use the email address your employer or plan has on file for you."]},
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


INVITATION_NAME_MAX = 150


@transaction.atomic
def invitation_create(
    *, invited_by: User, email: str, first_name: str, last_name: str
) -> Invitation:
    """A PT (who will be the patient's PT) or staff invites a person; the signed, expiring link
    is emailed by Celery after commit. The person still answers the intake before any program."""
    if not (invited_by.is_therapist or invited_by.is_operations_staff):
        raise ApplicationError("Only a physical therapist or clinic staff send invitations.")
    address = User.objects.normalize_email(email or "").strip().lower()
    errors: dict[str, list[str]] = {}
    try:
        validate_email(address)
    except ValidationError:
        errors["email"] = ["Enter a valid email address."]
    for name, value in (("first_name", first_name), ("last_name", last_name)):
        if not (value or "").strip():
            errors[name] = ["This field is required."]
        elif len(value.strip()) > INVITATION_NAME_MAX:
            errors[name] = [f"At most {INVITATION_NAME_MAX} characters."]
    if errors:
        raise ApplicationError(FIELDS_NOT_VALID, errors=errors)
    invitation = Invitation.objects.create(
        email=address,
        first_name=first_name.strip(),
        last_name=last_name.strip(),
        invited_by=invited_by,
        therapist=invited_by if invited_by.is_therapist else None,
        expires_at=timezone.now() + timedelta(seconds=settings.INVITATION_MAX_AGE_SECONDS),
    )
    transaction.on_commit(
        lambda: task_send("accounts.tasks.accounts_send_invitation_email_task", invitation.pk)
    )
    return invitation


@transaction.atomic
def invitation_accept(
    *,
    invitation: Invitation,
    password: str,
    date_of_birth: date,
    state: str,
    time_zone: str = "",
    phone: str = "",
    preferred_language: str = "en",
) -> User:
    """Create the invited patient, once (the invitation is claimed with a conditional UPDATE),
    with the inviting PT when licensed in their state, else a PT picked by state, else none
    (the staff care-coordination queue owns them until one is assigned)."""
    if not state:
        raise ApplicationError(
            FIELDS_NOT_VALID, errors={"state": ["Choose the state you live in."]}
        )
    now = timezone.now()
    claimed = Invitation.objects.filter(
        pk=invitation.pk, accepted_at__isnull=True, expires_at__gt=now
    ).update(accepted_at=now)
    if not claimed:
        raise ApplicationError(
            "This invitation was already used or has expired.",
            errors={"invitation": ["Already used or expired."]},
        )
    user = patient_sign_up(
        email=invitation.email,
        password=password,
        first_name=invitation.first_name,
        last_name=invitation.last_name,
        date_of_birth=date_of_birth,
        time_zone=(time_zone or "").strip() or time_zone_for_state(state),
        phone=phone,
        preferred_language=preferred_language,
        state=state,
    )
    Invitation.objects.filter(pk=invitation.pk).update(accepted_user=user)
    therapist = invitation.therapist
    if (
        therapist is None
        or not therapist.is_active
        or therapist.therapist_profile.license_state != state
    ):
        therapist = therapist_pick_for_state(state=state)
    if therapist is not None:
        care_team_assign_primary(patient=user, therapist=therapist)
    return user


__all__ = [
    "enrolment_create",
    "invitation_accept",
    "invitation_create",
    "therapist_pick_for_state",
]
