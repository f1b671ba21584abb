"""Enrolment: a covered person becomes a patient, linked to their roster entry, with a PT."""

import secrets
from datetime import date, timedelta

from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.db.models import Count, OuterRef, Subquery, Value
from django.db.models.functions import Coalesce
from django.utils import timezone

from accounts.models import CareTeamLink, Enrolment, Invitation, RosterEntry, User
from accounts.people_zones import time_zone_for_state
from accounts.selectors.enrolment import enrolment_pending_get, enrolment_pending_key
from accounts.services.people import (
    FIELDS_NOT_VALID,
    care_team_assign_primary,
    patient_sign_up,
    patient_sign_up_check,
    signup_attempt_notify,
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


def _enrolment_refusal(*, entry: RosterEntry, email: str, state: str) -> ApplicationError | None:
    if not entry.is_covered_on(timezone.localdate()):
        return ApplicationError("This coverage is not active today.")
    if Enrolment.objects.filter(roster_entry=entry).exists():
        return ApplicationError(
            "An account already exists for this coverage. Log in, or reset your password."
        )
    if not state:
        return ApplicationError(
            FIELDS_NOT_VALID, errors={"state": ["Choose the state you live in."]}
        )
    if entry.email and email.strip().lower() != entry.email.strip().lower():
        # The account takes the address the sponsor has on file, so whoever can read that
        # mailbox (the real person) can always reset the password and take it back.
        return ApplicationError(
            FIELDS_NOT_VALID,
            errors={"email": ["Use the email address your employer or plan has on file for you."]},
        )
    return None


def enrolment_request(
    *,
    roster_entry: RosterEntry,
    email: str,
    password: str,
    state: str,
    time_zone: str,
    phone: str = "",
    preferred_language: str = "en",
) -> None:
    """Step one of enrolling: check everything, create nothing, and email the address.

    A new address gets a link to finish (enrolment_confirm), so the account only ever exists
    for someone who reads that mailbox. An address that already has an account gets "someone
    tried to create an account with your address" instead. The person sees the same answer
    either way (issue 13: the enrolment page told whether an address had an account, and a
    link that still worked after a try told it too)."""
    refusal = _enrolment_refusal(entry=roster_entry, email=email, state=state)
    if refusal is not None:
        raise refusal
    # The browser's zone when it sent one, else the state's usual zone (never a fixed default).
    time_zone = time_zone.strip() or time_zone_for_state(state)
    existing, password_hash = patient_sign_up_check(
        email=email,
        password=password,
        first_name=roster_entry.first_name,
        last_name=roster_entry.last_name,
        date_of_birth=roster_entry.date_of_birth,
        time_zone=time_zone,
        phone=phone,
        preferred_language=preferred_language,
        state=state,
    )
    if existing is not None:
        signup_attempt_notify(existing)
        return
    pending_id = secrets.token_urlsafe(18)
    cache.set(
        enrolment_pending_key(pending_id),
        {
            "entry": roster_entry.pk,
            "email": User.objects.normalize_email(email).strip().lower(),
            "password_hash": password_hash,
            "state": state,
            "time_zone": time_zone,
            "phone": phone,
            "preferred_language": preferred_language,
        },
        timeout=settings.ENROLMENT_CONFIRM_MAX_AGE_SECONDS,
    )
    transaction.on_commit(
        lambda: task_send("accounts.tasks.enrolment_confirm_email_task", pending_id)
    )


def enrolment_confirm(*, pending_id: str) -> User | None:
    """Step two: the person followed the emailed link. Create the account, once (the pending
    entry is deleted first; only the request that deleted it goes on). None when the link was
    already used, expired, or the address got an account meanwhile (its owner is emailed)."""
    data = enrolment_pending_get(pending_id=pending_id)
    if data is None or not cache.delete(enrolment_pending_key(pending_id)):
        return None
    entry = RosterEntry.objects.filter(pk=data["entry"]).first()
    if entry is None:
        return None
    return enrolment_create(
        roster_entry=entry,
        email=data["email"],
        password_hash=data["password_hash"],
        state=data["state"],
        time_zone=data["time_zone"],
        phone=data["phone"],
        preferred_language=data["preferred_language"],
    )


@transaction.atomic
def enrolment_create(
    *,
    roster_entry: RosterEntry,
    email: str,
    state: str,
    time_zone: str,
    password: str = "",
    password_hash: str = "",
    phone: str = "",
    preferred_language: str = "en",
) -> User | None:
    """Create the patient account for a covered roster entry and give them a primary PT.
    None when the address already has an account (nothing is created; its owner is emailed).
    Pages go through enrolment_request and enrolment_confirm, which prove the address first."""
    entry = RosterEntry.objects.select_for_update().get(pk=roster_entry.pk)
    refusal = _enrolment_refusal(entry=entry, email=email, state=state)
    if refusal is not None:
        raise refusal
    user = patient_sign_up(
        email=email,
        password=password,
        password_hash=password_hash,
        first_name=entry.first_name,
        last_name=entry.last_name,
        date_of_birth=entry.date_of_birth,
        time_zone=time_zone.strip() or time_zone_for_state(state),
        phone=phone,
        preferred_language=preferred_language,
        state=state,
    )
    if user is None:
        return None
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
) -> User | None:
    """Create the invited patient, once (the invitation is claimed with a conditional UPDATE),
    with the inviting PT when licensed in their state, else a PT picked by state, else none
    (the staff care-coordination queue owns them until one is assigned).

    None when the invitation's address already has an account: nothing is created, the
    invitation is used up all the same, and the owner is emailed (patient_sign_up)."""
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
    if user is None:
        return None
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
    "enrolment_confirm",
    "enrolment_create",
    "enrolment_request",
    "invitation_accept",
    "invitation_create",
    "therapist_pick_for_state",
]
