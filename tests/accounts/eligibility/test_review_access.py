"""The staff review queue: only staff see it or decide; everyone else gets 404."""

import pytest

from accounts.models import EligibilityReview
from accounts.services.eligibility import eligibility_check
from tests.conftest import client_for
from tests.factories import RosterEntryFactory, SponsorFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def review():
    sponsor = SponsorFactory()
    entry = RosterEntryFactory(sponsor=sponsor, first_name="Katherine", last_name="Moss")
    outcome = eligibility_check(
        sponsor=sponsor,
        first_name="Kate",
        last_name="Moss",
        date_of_birth=entry.date_of_birth,
        email="kate@home.example",
    )
    return EligibilityReview.objects.get(pk=outcome.review_id)


@pytest.mark.parametrize("who", ["patient", "pt", "employer_admin"])
def test_only_staff_reach_the_review_queue(who, request, review):
    client = client_for(request.getfixturevalue(who))
    assert client.get("/eligibility/reviews/").status_code == 404
    decide = f"/eligibility/reviews/{review.pk}/decide/"
    assert client.post(decide, {"decision": "approve"}).status_code == 404
    review.refresh_from_db()
    assert review.status == "pending"


def test_anonymous_visitors_are_sent_to_log_in(review):
    assert client_for(None).get("/eligibility/reviews/").status_code == 302


def test_staff_see_the_entered_names_and_decide_once(staff, review):
    client = client_for(staff)
    page = client.get("/eligibility/reviews/").content.decode()
    assert "Kate Moss" in page
    assert "A nickname for the first name" in page
    client.post(f"/eligibility/reviews/{review.pk}/decide/", {"decision": "reject"})
    review.refresh_from_db()
    assert (review.status, review.decided_by) == ("rejected", staff)
    again = client.post(
        f"/eligibility/reviews/{review.pk}/decide/", {"decision": "approve"}, follow=True
    )
    assert "already been decided" in again.content.decode()
    review.refresh_from_db()
    assert review.status == "rejected"
