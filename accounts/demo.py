"""Demo people for `make run` (see seed_demo). Idempotent: running twice changes nothing."""

import csv
import io
from datetime import date, timedelta

from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts.models import (
    CareTeamLink,
    EmployerAdminProfile,
    Enrolment,
    PatientProfile,
    RosterEntry,
    RosterImport,
    Sponsor,
    TherapistProfile,
    User,
)
from accounts.services.rosters import COLUMNS, roster_import_create, roster_import_process

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
    # The member ID is Acme's second factor: name and date of birth alone are too easy for
    # someone else to know (issue 13). Try AC-1003 on /eligibility/ for María José.
    acme, _ = Sponsor.objects.update_or_create(
        slug="acme",
        defaults={"requires_member_id": True},
        create_defaults={
            "name": "Acme Corporation",
            "kind": Sponsor.Kind.EMPLOYER,
            "requires_member_id": True,
        },
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
    seed_roster(sponsor=acme, admin=employer, patients=[patient, patient2])
    return {
        "pt": pt,
        "pt2": pt2,
        "patient": patient,
        "patient2": patient2,
        "employer": employer,
        "staff": staff,
    }


_DEMO_GIVEN = [
    "Amara",
    "Ben",
    "Chloé",
    "Diego",
    "Elif",
    "Farah",
    "Gustavo",
    "Hana",
    "Ivan",
    "Jae",
    "Keisha",
    "Liam",
    "Mei",
    "Nikhil",
    "Olga",
    "Pedro",
    "Quentin",
    "Rosa",
    "Sven",
    "Tamar",
    "Umar",
    "Valentina",
    "Wen",
    "Ximena",
    "Yusuf",
    "Zofia",
    "Aiko",
    "Bruno",
    "Carmen",
    "Dmitri",
]
_DEMO_FAMILY = [
    "Abara",
    "Brandt",
    "Côté",
    "Delgado",
    "Eriksen",
    "Fontaine",
    "Guerrero",
    "Haddad",
    "Ivanova",
    "Jung",
    "Kowalski",
    "Lindqvist",
    "Moreau",
    "Nakamura",
    "O'Neill",
    "Petrov",
    "Quispe",
    "Rahman",
    "Schmidt",
    "Tanaka",
    "Urquhart",
    "Vasquez",
    "Weiss",
    "Xu",
    "Yilmaz",
    "Zielinski",
    "Acosta",
    "Bauer",
    "Castillo",
    "Dubois",
]


def demo_roster_rows() -> list[dict[str, str]]:
    """Acme's demo roster: the two demo patients, people to try “Do I qualify?” with, and more."""
    today = timezone.localdate()
    rows = [
        {
            "member_id": "AC-1001",
            "first_name": "Dana",
            "last_name": "Whitfield",
            "date_of_birth": "1986-04-12",
            "email": "dana.whitfield@acme.example",
        },
        {
            "member_id": "AC-1002",
            "first_name": "Luis",
            "last_name": "Carvalho",
            "date_of_birth": "1979-09-03",
            "email": "luis.carvalho@acme.example",
        },
        # Try these on /eligibility/: covered, a double surname with accents, a dependant,
        # coverage starting next month, coverage that has ended.
        {
            "member_id": "AC-1003",
            "first_name": "María José",
            "last_name": "Núñez-García",
            "date_of_birth": "1990-07-21",
            "email": "mj.nunez@acme.example",
        },
        {
            "member_id": "AC-1003-01",
            "first_name": "Tomás",
            "last_name": "Núñez-García",
            "date_of_birth": "2012-03-02",
            "relationship": "child",
        },
        {
            "member_id": "AC-1004",
            "first_name": "William",
            "last_name": "Hartley",
            "date_of_birth": "1975-11-30",
            "email": "w.hartley@acme.example",
        },
        {
            "member_id": "AC-1005",
            "first_name": "Noor",
            "last_name": "Siddiqui",
            "date_of_birth": "1993-01-09",
            "coverage_start": (today.replace(day=1) + timedelta(days=32))
            .replace(day=1)
            .isoformat(),
        },
        {
            "member_id": "AC-1006",
            "first_name": "Greta",
            "last_name": "Lindholm",
            "date_of_birth": "1968-05-17",
            "coverage_start": "2023-01-01",
            "coverage_end": (today - timedelta(days=40)).isoformat(),
        },
    ]
    for n, (given, family) in enumerate(zip(_DEMO_GIVEN, _DEMO_FAMILY, strict=True)):
        rows.append(
            {
                "member_id": f"AC-{2000 + n}",
                "first_name": given,
                "last_name": family,
                "date_of_birth": date(1960 + n, 1 + n % 12, 1 + n % 27).isoformat(),
                "email": f"{given.lower()}.{n}@acme.example",
            }
        )
    for row in rows:
        row.setdefault("email", "")
        row.setdefault("postal_code", "10001")
        row.setdefault("relationship", "employee")
        row.setdefault("coverage_start", "2024-01-01")
        row.setdefault("coverage_end", "")
    return rows


def seed_roster(*, sponsor: Sponsor, admin: User, patients: list[User]) -> None:
    """Load the demo roster through the real import once, and enrol the demo patients."""
    if not RosterImport.objects.filter(sponsor=sponsor).exists():
        out = io.StringIO()
        writer = csv.DictWriter(out, fieldnames=COLUMNS)
        writer.writeheader()
        writer.writerows(demo_roster_rows())
        created = roster_import_create(
            sponsor=sponsor,
            file=ContentFile(out.getvalue().encode(), name="acme-roster.csv"),
            uploaded_by=admin,
            source=RosterImport.Source.COMMAND,
        )
        # Processed here so the demo is ready at once; the worker finds it done and skips it.
        roster_import_process(import_id=created.pk)
    for patient in patients:
        entry = RosterEntry.objects.filter(
            sponsor=sponsor,
            first_name=patient.first_name,
            last_name=patient.last_name,
            date_of_birth=patient.patient_profile.date_of_birth,
        ).first()
        if entry is not None:
            Enrolment.objects.get_or_create(user=patient, defaults={"roster_entry": entry})
