"""Demo people for `make run` (see seed_demo). Idempotent: running twice changes nothing."""

from datetime import date

from django.db import transaction
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts.models import (
    CareTeamLink,
    EmployerAdminProfile,
    PatientProfile,
    Sponsor,
    TherapistProfile,
    User,
)

DEMO_PASSWORD = "demo-pass-1234"  # noqa: S105 - printed for demo logins on purpose
# The RFC 6238 test key ("12345678901234567890"): the demo's staff roles need a second factor,
# and this published secret lets anyone demoing add it to an authenticator app.
DEMO_TOTP_KEY_HEX = "3132333435363738393031323334353637383930"
DEMO_TOTP_SECRET_BASE32 = "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ"  # noqa: S105 - demo only


def _user(email: str, first: str, last: str, role: str, **extra: object) -> User:
    user, created = User.objects.get_or_create(
        email=email, defaults={"first_name": first, "last_name": last, "role": role, **extra}
    )
    if created:
        user.set_password(DEMO_PASSWORD)
        user.save(update_fields=["password"])
    return user


@transaction.atomic
def seed_people() -> dict[str, User]:
    acme, _ = Sponsor.objects.get_or_create(
        slug="acme", defaults={"name": "Acme Corporation", "kind": Sponsor.Kind.EMPLOYER}
    )
    pt = _user("pt@demo.test", "Priya", "Tran", User.Role.THERAPIST)
    pt2 = _user("pt2@demo.test", "Marcus", "Oyelaran", User.Role.THERAPIST)
    TherapistProfile.objects.get_or_create(
        user=pt, defaults={"license_state": "NY", "license_number": "PT-100201"}
    )
    TherapistProfile.objects.get_or_create(
        user=pt2,
        defaults={
            "license_state": "CA",
            "license_number": "PT-200417",
            "time_zone": "America/Los_Angeles",
        },
    )
    patient = _user("patient@demo.test", "Dana", "Whitfield", User.Role.PATIENT)
    patient2 = _user("patient2@demo.test", "Luis", "Carvalho", User.Role.PATIENT)
    PatientProfile.objects.get_or_create(
        user=patient,
        defaults={
            "date_of_birth": date(1986, 4, 12),
            "time_zone": "America/New_York",
            "state": "NY",
            "phone": "+1 212 555 0134",
        },
    )
    PatientProfile.objects.get_or_create(
        user=patient2,
        defaults={
            "date_of_birth": date(1979, 9, 3),
            "time_zone": "America/Los_Angeles",
            "state": "CA",
        },
    )
    for p, t in ((patient, pt), (patient2, pt2)):
        CareTeamLink.objects.get_or_create(
            patient=p, therapist=t, ended_at=None, defaults={"is_primary": True}
        )
    employer = _user("employer@demo.test", "Erin", "Castillo", User.Role.EMPLOYER_ADMIN)
    EmployerAdminProfile.objects.get_or_create(user=employer, defaults={"sponsor": acme})
    staff = _user(
        "staff@demo.test", "Sam", "Okafor", User.Role.STAFF, is_staff=True, is_superuser=True
    )
    for user in (pt, pt2, employer, staff):
        TOTPDevice.objects.get_or_create(
            user=user,
            confirmed=True,
            defaults={"name": "Demo authenticator", "key": DEMO_TOTP_KEY_HEX},
        )
    return {
        "pt": pt,
        "pt2": pt2,
        "patient": patient,
        "patient2": patient2,
        "employer": employer,
        "staff": staff,
    }
