from datetime import date

from django.contrib.auth import password_validation
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from accounts.models import CareTeamLink, PatientProfile, User
from therapy.celery import task_send
from therapy.errors import ApplicationError

# The overall message of a refusal that names fields: the API's answer to invalid input.
FIELDS_NOT_VALID = "Some fields are not valid."


def _validate_new_user(user: User, password: str) -> dict[str, list[str]]:
    errors: dict[str, list[str]] = {}
    try:
        user.full_clean(exclude=["password"])
    except ValidationError as exc:
        errors.update(exc.message_dict)
    if User.objects.filter(email__iexact=user.email).exists():
        errors.setdefault("email", []).append("An account with this email already exists.")
    try:
        password_validation.validate_password(password, user=user)
    except ValidationError as exc:
        errors.setdefault("password", []).extend(exc.messages)
    return errors


@transaction.atomic
def patient_sign_up(
    *,
    email: str,
    password: str,
    first_name: str,
    last_name: str,
    date_of_birth: date,
    time_zone: str,
    phone: str = "",
    preferred_language: str = PatientProfile.Language.ENGLISH,
    state: str = "",
) -> User:
    """Create a patient and their profile, or raise ApplicationError naming every bad field."""
    user = User(
        email=User.objects.normalize_email(email).strip().lower(),
        first_name=first_name.strip(),
        last_name=last_name.strip(),
        role=User.Role.PATIENT,
    )
    profile = PatientProfile(
        date_of_birth=date_of_birth,
        time_zone=time_zone,
        phone=phone.strip(),
        preferred_language=preferred_language,
        state=state,
    )
    errors = _validate_new_user(user, password)
    try:
        profile.full_clean(exclude=["user"])
    except ValidationError as exc:
        errors.update(exc.message_dict)
    if errors:
        raise ApplicationError(FIELDS_NOT_VALID, errors=errors)

    user.set_password(password)
    try:
        with transaction.atomic():
            user.save()
    except IntegrityError as exc:  # a concurrent sign-up with the same email won the race
        raise ApplicationError(
            FIELDS_NOT_VALID, errors={"email": ["An account with this email already exists."]}
        ) from exc
    profile.user = user
    profile.save()

    transaction.on_commit(
        lambda: task_send("accounts.tasks.accounts_send_welcome_email_task", user.pk)
    )
    return user


@transaction.atomic
def care_team_assign_primary(*, patient: User, therapist: User) -> CareTeamLink:
    """Make `therapist` the patient's primary PT, ending any earlier primary link."""
    if not patient.is_patient:
        raise ApplicationError(
            FIELDS_NOT_VALID, errors={"patient": ["Only patients have a care team."]}
        )
    if not therapist.is_therapist:
        raise ApplicationError(
            FIELDS_NOT_VALID,
            errors={"therapist": ["Only a physical therapist can be a primary PT."]},
        )
    current = (
        CareTeamLink.objects.select_for_update()
        .filter(patient=patient, is_primary=True, ended_at__isnull=True)
        .first()
    )
    if current and current.therapist_id == therapist.pk:
        return current
    if current:
        current.ended_at = timezone.now()
        current.save(update_fields=["ended_at"])
    return CareTeamLink.objects.create(patient=patient, therapist=therapist, is_primary=True)


@transaction.atomic
def patient_profile_update(*, user: User, **fields: object) -> PatientProfile:
    profile = PatientProfile.objects.select_for_update().get(user=user)
    user_fields = {k: fields.pop(k) for k in ("first_name", "last_name") if k in fields}
    for name, value in fields.items():
        setattr(profile, name, value)
    for name, value in user_fields.items():
        setattr(user, name, value)
    errors: dict[str, list[str]] = {}
    for obj, exclude in ((profile, ["user"]), (user, ["password"])):
        try:
            obj.full_clean(exclude=exclude, validate_unique=False)
        except ValidationError as exc:
            errors.update(exc.message_dict)
    if errors:
        raise ApplicationError(FIELDS_NOT_VALID, errors=errors)
    zone_changed = (
        PatientProfile.objects.filter(pk=profile.pk).values_list("time_zone", flat=True).get()
        != profile.time_zone
    )
    profile.save()
    if user_fields:
        user.save(update_fields=list(user_fields))
    if zone_changed:
        # The profile's zone is the one source of truth: reminders (in programs) follow it.
        transaction.on_commit(
            lambda: task_send("programs.tasks.reminders_follow_profile_zone_task", user.pk)
        )
    return profile
