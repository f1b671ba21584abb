"""The matching rules of “Do I qualify?” (see docs/matching.md)."""

from datetime import date, timedelta

import pytest
from django.utils import timezone

from accounts.models import EligibilityCheck, EligibilityReview
from accounts.services.eligibility import eligibility_check
from tests.factories import RosterEntryFactory, SponsorFactory
from therapy.errors import ApplicationError

pytestmark = pytest.mark.django_db
DOB = date(1980, 2, 14)


def _check(sponsor, first, last, dob=DOB, **extra):
    return eligibility_check(
        sponsor=sponsor, first_name=first, last_name=last, date_of_birth=dob, **extra
    ).status


# An address on the roster: a sponsor that checks no member ID sends the link there (issue 13).
ROSTER_EMAIL = "person@work.example"


@pytest.fixture
def sponsor():
    return SponsorFactory(slug="acme-test")


@pytest.mark.parametrize(
    ("roster_first", "roster_last", "typed_first", "typed_last"),
    [
        ("José", "Núñez", "Jose", "Nunez"),  # accents
        ("Zoë", "O'Brien", "ZOE", "obrien"),  # case and punctuation
        ("Anna", "Smith-Jones", "anna", "Smith Jones"),  # hyphenated surname typed with a space
        ("Lucía", "García López", "Lucia", "Garcia-Lopez"),  # double surname
        ("Lucía", "García López", "Lucia", "García"),  # only the first of two surnames
        ("Mary Ann", "Lee", "Maryann", "Lee"),  # spaces inside a given name
        ("Mary Ann", "Lee", "Mary", "Lee"),  # first of two given names
        ("  Bo ", " Li ", "Bo", "Li"),  # stray spaces
    ],
)
def test_names_that_are_the_same_person_are_covered(
    sponsor, roster_first, roster_last, typed_first, typed_last
):
    RosterEntryFactory(
        sponsor=sponsor, email=ROSTER_EMAIL, first_name=roster_first, last_name=roster_last
    )
    assert _check(sponsor, typed_first, typed_last) == "covered"


@pytest.mark.parametrize(
    ("typed_first", "typed_last", "reason"),
    [
        ("Rivera", "Jordan", "swapped_names"),
        ("Jordna", "Rivera", "typo_in_first_name"),
        ("Jordan", "Rivrea", "typo_in_last_name"),
    ],
)
def test_near_matches_go_to_staff(sponsor, typed_first, typed_last, reason):
    RosterEntryFactory(sponsor=sponsor, email=ROSTER_EMAIL, first_name="Jordan", last_name="Rivera")
    outcome = eligibility_check(
        sponsor=sponsor,
        first_name=typed_first,
        last_name=typed_last,
        date_of_birth=DOB,
        email="me@home.example",
    )
    assert outcome.status == "needs_review"
    review = EligibilityReview.objects.get(pk=outcome.review_id)
    assert review.reason == reason
    assert review.entered_first_name == typed_first


def test_a_nickname_needs_review(sponsor):
    RosterEntryFactory(sponsor=sponsor, email=ROSTER_EMAIL, first_name="William", last_name="Okoro")
    assert _check(sponsor, "Bill", "Okoro", email="b@home.example") == "needs_review"
    assert EligibilityReview.objects.get().reason == "nickname"


def test_a_near_match_without_an_email_asks_for_one_and_queues_nothing(sponsor):
    RosterEntryFactory(sponsor=sponsor, email=ROSTER_EMAIL, first_name="William", last_name="Okoro")
    outcome = eligibility_check(
        sponsor=sponsor, first_name="Bill", last_name="Okoro", date_of_birth=DOB
    )
    assert outcome.status == "needs_review"
    assert "email" in outcome.message
    assert not EligibilityReview.objects.exists()


@pytest.mark.parametrize(
    ("typed_first", "typed_last", "dob"),
    [
        ("Someone", "Else", DOB),
        ("Jordan", "Rivera", date(1980, 2, 15)),  # date of birth a day off
        ("Jordan", "Riverside", DOB),  # more than a typo
    ],
)
def test_different_people_are_not_found(sponsor, typed_first, typed_last, dob):
    RosterEntryFactory(sponsor=sponsor, email=ROSTER_EMAIL, first_name="Jordan", last_name="Rivera")
    assert _check(sponsor, typed_first, typed_last, dob) == "not_found"


def test_ended_coverage_and_coverage_starting_next_month_read_as_not_found(sponsor):
    today = timezone.localdate()
    RosterEntryFactory(
        sponsor=sponsor,
        email=ROSTER_EMAIL,
        first_name="Ended",
        last_name="Person",
        coverage_end=today - timedelta(days=1),
        coverage_start=today - timedelta(days=400),
    )
    RosterEntryFactory(
        sponsor=sponsor,
        email=ROSTER_EMAIL,
        first_name="Dropped",
        last_name="Person",
        ended_on=today,
    )
    RosterEntryFactory(
        sponsor=sponsor,
        email=ROSTER_EMAIL,
        first_name="Later",
        last_name="Person",
        coverage_start=today + timedelta(31),
    )
    RosterEntryFactory(
        sponsor=sponsor,
        email=ROSTER_EMAIL,
        first_name="Today",
        last_name="Person",
        coverage_end=today,
    )
    assert _check(sponsor, "Ended", "Person") == "not_found"
    assert _check(sponsor, "Dropped", "Person") == "not_found"
    assert _check(sponsor, "Later", "Person") == "not_found"
    assert _check(sponsor, "Later", "Person") == "not_found"
    assert _check(sponsor, "Today", "Person") == "covered"
    # and on the first day of the later coverage, it is covered
    later = today + timedelta(31)
    assert (
        eligibility_check(
            sponsor=sponsor,
            first_name="Later",
            last_name="Person",
            date_of_birth=DOB,
            today=later,
        ).status
        == "covered"
    )


def test_dependents_are_covered_on_their_own_rows(sponsor):
    RosterEntryFactory(
        sponsor=sponsor,
        email=ROSTER_EMAIL,
        member_id="1001-00",
        first_name="Ana",
        last_name="Silva",
    )
    RosterEntryFactory(
        sponsor=sponsor,
        email=ROSTER_EMAIL,
        member_id="1001-01",
        first_name="Rui",
        last_name="Silva",
        relationship="child",
        date_of_birth=date(2010, 5, 5),
    )
    assert _check(sponsor, "Rui", "Silva", date(2010, 5, 5)) == "covered"
    # the employee's date of birth does not cover the child
    assert _check(sponsor, "Rui", "Silva") == "not_found"


def test_a_health_plan_needs_the_right_member_id_and_a_wrong_one_reads_as_not_found():
    plan = SponsorFactory(kind="health_plan", requires_member_id=True)
    RosterEntryFactory(sponsor=plan, member_id="HP-7788", first_name="Kim", last_name="Park")
    with pytest.raises(ApplicationError) as missing:
        _check(plan, "Kim", "Park")
    assert "member_id" in missing.value.errors
    assert _check(plan, "Kim", "Park", member_id="hp 7788") == "covered"
    assert _check(plan, "Kim", "Park", member_id="HP-0000") == "not_found"
    # a near match with the wrong member ID is not a near match: same answer as not found
    assert _check(plan, "Park", "Kim", member_id="HP-0000", email="k@x.example") == "not_found"


def test_an_employer_can_require_the_work_email():
    sponsor = SponsorFactory(requires_work_email=True)
    RosterEntryFactory(sponsor=sponsor, email="kim@acme.example", first_name="Kim")
    assert _check(sponsor, "Kim", "Rivera", email="KIM@acme.example") == "covered"
    assert _check(sponsor, "Kim", "Rivera", email="kim@home.example") == "not_found"


def test_every_check_is_recorded_with_its_result_only(sponsor):
    entry = RosterEntryFactory(sponsor=sponsor, email=ROSTER_EMAIL)
    _check(sponsor, "Jordan", "Rivera")
    _check(sponsor, "No", "Body")
    recorded = list(EligibilityCheck.objects.order_by("pk").values("result", "roster_entry_id"))
    assert recorded == [
        {"result": "covered", "roster_entry_id": entry.pk},
        {"result": "not_found", "roster_entry_id": None},
    ]
    field_names = {f.name for f in EligibilityCheck._meta.get_fields()}
    assert not field_names & {"first_name", "last_name", "date_of_birth", "email", "member_id"}
