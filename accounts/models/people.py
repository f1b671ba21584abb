import zoneinfo
from datetime import date
from typing import TYPE_CHECKING

from django.contrib.auth.base_user import AbstractBaseUser, BaseUserManager
from django.contrib.auth.models import PermissionsMixin
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.db.models.functions import Lower
from django.utils import timezone
from django.utils.crypto import salted_hmac

_STATE_CODES = (
    "AL AK AZ AR CA CO CT DE DC FL GA HI ID IL IN IA KS KY LA ME MD MA MI MN MS MO MT NE NV NH NJ "
    "NM NY NC ND OH OK OR PA RI SC SD TN TX UT VT VA WA WV WI WY PR"
)


US_STATES = [(code, code) for code in _STATE_CODES.split()]


def validate_time_zone(value: str) -> None:
    if value not in zoneinfo.available_timezones():
        raise ValidationError(
            "“%(value)s” is not a time zone we know. Use a name such as America/New_York.",
            code="invalid_time_zone",
            params={"value": value},
        )


def validate_date_of_birth(value: date) -> None:
    if value > timezone.localdate():
        raise ValidationError("Date of birth cannot be in the future.", code="future")
    if value.year < 1900:
        raise ValidationError("Date of birth must be after 1900.", code="too_old")


class UserManager(BaseUserManager["User"]):
    use_in_migrations = True

    def _create_user(self, email: str, password: str | None, **extra: object) -> "User":
        if not email:
            raise ValueError("An email address is required.")
        user = self.model(email=self.normalize_email(email).lower(), **extra)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_user(self, email: str, password: str | None = None, **extra: object) -> "User":
        extra.setdefault("is_staff", False)
        extra.setdefault("is_superuser", False)
        return self._create_user(email, password, **extra)

    def create_superuser(self, email: str, password: str | None = None, **extra: object) -> "User":
        extra.update(is_staff=True, is_superuser=True, role=User.Role.STAFF)
        return self._create_user(email, password, **extra)


class User(AbstractBaseUser, PermissionsMixin):
    """Everyone who signs in. People log in with their email; the role decides what they see."""

    class Role(models.TextChoices):
        PATIENT = "patient", "Patient"
        THERAPIST = "therapist", "Physical therapist"
        EMPLOYER_ADMIN = "employer_admin", "Employer benefits admin"
        STAFF = "staff", "Staff"

    email = models.EmailField("email address", unique=True)
    first_name = models.CharField(max_length=150)
    last_name = models.CharField(max_length=150)
    role = models.CharField(max_length=20, choices=Role.choices, default=Role.PATIENT)
    is_active = models.BooleanField(default=True)
    is_staff = models.BooleanField(
        default=False, help_text="Can sign in to the admin site (operations staff only)."
    )
    date_joined = models.DateTimeField(default=timezone.now)
    welcome_email_sent_at = models.DateTimeField(null=True, blank=True, editable=False)
    # Bumped by "log out everywhere": it is part of the session hash, so every session ends.
    session_generation = models.PositiveIntegerField(default=0, editable=False)
    # Set when the person asks for their account to be closed; erased after the retention period.
    closed_at = models.DateTimeField(null=True, blank=True, editable=False)
    # When the retention sweep erased the account data (not the clinical record) of a closed
    # account; the person themself goes with the clinical record (programs/records_map.py).
    account_data_erased_at = models.DateTimeField(null=True, blank=True, editable=False)

    objects = UserManager()

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS = ["first_name", "last_name"]

    class Meta:
        constraints = [
            models.UniqueConstraint(Lower("email"), name="accounts_user_email_ci_unique"),
            models.CheckConstraint(
                condition=Q(role__in=["patient", "therapist", "employer_admin", "staff"]),
                name="accounts_user_role_valid",
            ),
        ]

    def __str__(self) -> str:
        return self.email

    def clean(self) -> None:
        super().clean()
        self.email = self.__class__.objects.normalize_email(self.email).lower()

    def get_full_name(self) -> str:
        return f"{self.first_name} {self.last_name}".strip()

    def get_short_name(self) -> str:
        return self.first_name

    def _get_session_auth_hash(self, secret: str | None = None) -> str:
        # Django's hash covers the password; ours also covers the session generation.
        return salted_hmac(
            "accounts.User.session_auth_hash",
            f"{self.password}:{self.session_generation}",
            secret=secret,
            algorithm="sha256",
        ).hexdigest()

    @property
    def is_patient(self) -> bool:
        return self.role == self.Role.PATIENT

    @property
    def is_therapist(self) -> bool:
        return self.role == self.Role.THERAPIST

    @property
    def is_employer_admin(self) -> bool:
        return self.role == self.Role.EMPLOYER_ADMIN

    @property
    def is_operations_staff(self) -> bool:
        return self.role == self.Role.STAFF

    if TYPE_CHECKING:
        # Added to the request's user by django-otp's OTPMiddleware: True once this session
        # passed the second factor.
        def is_verified(self) -> bool: ...


class PatientProfile(models.Model):
    class Language(models.TextChoices):
        ENGLISH = "en", "English"
        SPANISH = "es", "Español"

    user = models.OneToOneField(User, on_delete=models.CASCADE, related_name="patient_profile")
    date_of_birth = models.DateField(validators=[validate_date_of_birth])
    phone = models.CharField(max_length=32, blank=True)
    time_zone = models.CharField(
        max_length=64, default="America/New_York", validators=[validate_time_zone]
    )
    preferred_language = models.CharField(
        max_length=8, choices=Language.choices, default=Language.ENGLISH
    )
    state = models.CharField("state of residence", max_length=2, choices=US_STATES, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return f"Patient profile of {self.user_id}"

    @property
    def zone(self) -> zoneinfo.ZoneInfo:
        return zoneinfo.ZoneInfo(self.time_zone)


class TherapistProfile(models.Model):
    user = models.OneToOneField(User, on_delete=models.CASCADE, related_name="therapist_profile")
    license_state = models.CharField(max_length=2, choices=US_STATES)
    license_number = models.CharField(max_length=40)
    time_zone = models.CharField(
        max_length=64, default="America/New_York", validators=[validate_time_zone]
    )
    accepting_patients = models.BooleanField(default=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["license_state", "license_number"], name="accounts_unique_license"
            )
        ]

    def __str__(self) -> str:
        return f"PT license {self.license_state} {self.license_number}"


class CareTeamLink(models.Model):
    """A therapist on a patient's care team. Exactly one active primary PT per patient.

    Links are ended, never deleted, so that who cared for whom stays on record.
    """

    patient = models.ForeignKey(User, on_delete=models.CASCADE, related_name="care_team_links")
    therapist = models.ForeignKey(User, on_delete=models.PROTECT, related_name="caseload_links")
    is_primary = models.BooleanField(default=True)
    started_at = models.DateTimeField(default=timezone.now)
    ended_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["patient"],
                condition=Q(is_primary=True, ended_at__isnull=True),
                name="accounts_one_active_primary_pt",
            ),
            models.UniqueConstraint(
                fields=["patient", "therapist"],
                condition=Q(ended_at__isnull=True),
                name="accounts_one_active_link_per_pair",
            ),
            models.CheckConstraint(
                condition=~Q(patient=models.F("therapist")), name="accounts_link_not_self"
            ),
        ]
        indexes = [
            models.Index(
                fields=["therapist", "patient"],
                condition=Q(ended_at__isnull=True),
                name="accounts_active_caseload_idx",
            )
        ]

    def __str__(self) -> str:
        return f"PT {self.therapist_id} -> patient {self.patient_id}"
