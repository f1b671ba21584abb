from datetime import date

from django.contrib.auth import password_validation
from django.contrib.auth.hashers import make_password
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from accounts.models import CareTeamLink, PatientProfile, User
from therapy.celery import task_send
from therapy.errors import ApplicationError

# The overall message of a refusal that names fields: the API's answer to invalid input.
FIELDS_NOT_VALID = "Some fields are not valid."
# The one answer to a valid sign-up, whether the address was free (the account now exists and
# the welcome email is on its way) or already had an account (its owner is emailed instead).
SIGN_UP_ANSWER = (
    "Thank you. We sent an email to {email} with your next step. If it has not arrived in a "
    "few minutes, look in your spam folder."
)


def _new_patient(
    *,
    email: str,
    first_name: str,
    last_name: str,
    date_of_birth: date,
    time_zone: str,
    phone: str,
    preferred_language: str,
    state: str,
    password: str | None,
) -> tuple[User, PatientProfile]:
    """The unsaved patient and profile, or ApplicationError naming every bad field. Never
    names a taken address (no uniqueness check here: see patient_sign_up). `password` None:
    already checked (a confirmed enrolment carries only its hash)."""
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
    errors: dict[str, list[str]] = {}
    try:
        # Uniqueness and the constraints on the address are left out: a taken address must
        # not be named (see patient_sign_up); every other constraint still applies.
        user.full_clean(exclude=["password"], validate_unique=False, validate_constraints=False)
    except ValidationError as exc:
        errors.update(exc.message_dict)
    try:
        user.validate_constraints(exclude={"password", "email"})
    except ValidationError as exc:
        errors.update(exc.message_dict)
    if password is not None:
        try:
            password_validation.validate_password(password, user=user)
        except ValidationError as exc:
            errors.setdefault("password", []).extend(exc.messages)
    try:
        profile.full_clean(exclude=["user"])
    except ValidationError as exc:
        errors.update(exc.message_dict)
    if errors:
        raise ApplicationError(FIELDS_NOT_VALID, errors=errors)
    return user, profile


def account_for_email(email: str) -> User | None:
    return User.objects.filter(email__iexact=email.strip()).first()


def signup_attempt_notify(existing: User) -> None:
    """After commit, email the owner of a taken address that someone tried to sign up with it."""
    transaction.on_commit(
        lambda: task_send("accounts.tasks.accounts_send_signup_attempt_email_task", existing.pk)
    )


def patient_sign_up_check(
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
) -> tuple[User | None, str]:
    """Check a sign-up without creating anything: ApplicationError naming every bad field,
    else (the account that already has this address or None, the password's hash). The
    password is hashed either way, so a taken address takes as long as a free one."""
    user, _ = _new_patient(
        email=email,
        first_name=first_name,
        last_name=last_name,
        date_of_birth=date_of_birth,
        time_zone=time_zone,
        phone=phone,
        preferred_language=preferred_language,
        state=state,
        password=password,
    )
    return account_for_email(user.email), make_password(password)


@transaction.atomic
def patient_sign_up(
    *,
    email: str,
    first_name: str,
    last_name: str,
    date_of_birth: date,
    time_zone: str,
    password: str = "",
    password_hash: str = "",
    phone: str = "",
    preferred_language: str = PatientProfile.Language.ENGLISH,
    state: str = "",
) -> User | None:
    """Create a patient and their profile, or raise ApplicationError naming every bad field.
    `password_hash` instead of `password`: a hash made (and a password checked) earlier.

    An address that already has an account is never named in the answer (issue 13: sign-up
    told who has an account): once everything else is valid, nothing is created, the
    account's owner is emailed that someone tried, and None comes back. Callers answer
    exactly as for a new account."""
    user, profile = _new_patient(
        email=email,
        first_name=first_name,
        last_name=last_name,
        date_of_birth=date_of_birth,
        time_zone=time_zone,
        phone=phone,
        preferred_language=preferred_language,
        state=state,
        password=None if password_hash else password,
    )
    user.password = password_hash or make_password(password)  # hashed either way: no timing tell
    existing = account_for_email(user.email)
    if existing is not None:
        signup_attempt_notify(existing)
        return None
    try:
        with transaction.atomic():
            user.save()
    except IntegrityError:  # a concurrent sign-up with the same email won the race
        existing = account_for_email(user.email)
        if existing is not None:
            signup_attempt_notify(existing)
        return None
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
