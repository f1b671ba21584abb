import functools
from datetime import date

import factory
from django.conf import settings
from django.contrib.auth.hashers import make_password

from accounts.eligibility_matching import normalise_name
from accounts.models import (
    CareTeamLink,
    EmployerAdminProfile,
    PatientProfile,
    RosterEntry,
    Sponsor,
    TherapistProfile,
    User,
)

PASSWORD = "correct-horse-battery-9"


def _password_hash() -> str:
    # One hash per hasher in force: a hash cached while a test swapped in a cheaper hasher
    # would be "upgraded" (re-hashed and saved) at the next sign-in, and the in-memory user
    # would then disagree with the database (sessions and reset links made from it fail).
    return _password_hash_for(settings.PASSWORD_HASHERS[0])


@functools.cache
def _password_hash_for(hasher: str) -> str:
    return make_password(PASSWORD)


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"person{n}@example.test")
    first_name = factory.Faker("first_name")
    last_name = factory.Faker("last_name")
    role = User.Role.PATIENT
    # One real Argon2 hash of PASSWORD, made once: hashing per user cost ~0.8 s on 2 cores.
    password = factory.LazyFunction(lambda: _password_hash())

    @classmethod
    def _adjust_kwargs(cls, **kwargs: object) -> dict:
        # password=None means "no usable password", as set_password(None) did.
        if "password" in kwargs and kwargs["password"] is None:
            kwargs["password"] = make_password(None)
        return kwargs

    @factory.post_generation
    def _save(obj: User, create: bool, extracted: object, **kwargs: object) -> None:
        if create:
            obj.save()


class PatientFactory(UserFactory):
    """A patient who has answered a clean intake (no flags), so the intake gate lets a program
    start, as for every patient on a real caseload. `PatientFactory(intake=None)` for one who
    has not answered it yet."""

    role = User.Role.PATIENT
    patient_profile = factory.RelatedFactory(
        "tests.factories.PatientProfileFactory", factory_related_name="user"
    )
    intake = factory.RelatedFactory("tests.factories.IntakeFactory", factory_related_name="patient")


class IntakeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "programs.Intake"

    patient = factory.SubFactory(PatientFactory, intake=None)
    pain_areas = ["front_of_hip"]
    pain_now = 4


class PatientProfileFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = PatientProfile

    user = factory.SubFactory(UserFactory)
    date_of_birth = date(1985, 6, 15)
    time_zone = "America/New_York"
    state = "NY"


class TherapistFactory(UserFactory):
    role = User.Role.THERAPIST
    therapist_profile = factory.RelatedFactory(
        "tests.factories.TherapistProfileFactory", factory_related_name="user"
    )


class TherapistProfileFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = TherapistProfile

    user = factory.SubFactory(UserFactory, role=User.Role.THERAPIST)
    license_state = "NY"
    license_number = factory.Sequence(lambda n: f"PT-{n:06d}")


class SponsorFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Sponsor
        django_get_or_create = ["slug"]

    name = factory.Sequence(lambda n: f"Employer {n}")
    slug = factory.Sequence(lambda n: f"employer-{n}")


class EmployerAdminFactory(UserFactory):
    role = User.Role.EMPLOYER_ADMIN
    employer_profile = factory.RelatedFactory(
        "tests.factories.EmployerAdminProfileFactory", factory_related_name="user"
    )


class EmployerAdminProfileFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = EmployerAdminProfile

    user = factory.SubFactory(UserFactory, role=User.Role.EMPLOYER_ADMIN)
    sponsor = factory.SubFactory(SponsorFactory)


class StaffFactory(UserFactory):
    role = User.Role.STAFF
    is_staff = True


class CareTeamLinkFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = CareTeamLink

    patient = factory.SubFactory(PatientFactory)
    therapist = factory.SubFactory(TherapistFactory)
    is_primary = True


class RosterEntryFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = RosterEntry

    sponsor = factory.SubFactory(SponsorFactory)
    member_id = factory.Sequence(lambda n: f"M{n:07d}")
    first_name = "Jordan"
    last_name = "Rivera"
    first_name_norm = factory.LazyAttribute(lambda o: normalise_name(o.first_name))
    last_name_norm = factory.LazyAttribute(lambda o: normalise_name(o.last_name))
    date_of_birth = date(1980, 2, 14)
    relationship = RosterEntry.Relationship.EMPLOYEE
    coverage_start = date(2020, 1, 1)
    coverage_end = None


def roster_csv(rows: list[dict], *, columns: tuple[str, ...] | None = None) -> bytes:
    """A roster file in the contract's column order; missing values are left empty."""
    import csv
    import io

    from accounts.services.rosters import COLUMNS

    out = io.StringIO()
    writer = csv.writer(out)
    columns = columns or COLUMNS
    writer.writerow(columns)
    for row in rows:
        writer.writerow([row.get(c, "") for c in columns])
    return out.getvalue().encode()


def roster_person(n: int, **overrides: str) -> dict:
    person = {
        "member_id": f"E{n:05d}",
        "first_name": f"Person{n}",
        "last_name": "Example",
        "date_of_birth": "1980-01-01",
        "email": f"person{n}@work.example",
        "postal_code": "10001",
        "relationship": "employee",
        "coverage_start": "2024-01-01",
        "coverage_end": "",
    }
    person.update(overrides)
    return person
