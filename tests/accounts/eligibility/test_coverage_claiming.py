"""Claiming someone else's coverage (issue 13, Medium): for a sponsor that asks for nothing
but name and date of birth, the check answered "covered" with an enrolment link, anyone could
enrol with their own email, and the real person then got "An account already exists"."""

import pytest
from django.core.management import call_command

from accounts.models import EligibilityReview, Enrolment, Sponsor, User
from accounts.selectors.enrolment import enrolment_url_for
from tests.conftest import client_for, pending_enrolment_confirm_urls
from tests.factories import RosterEntryFactory, SponsorFactory

pytestmark = pytest.mark.django_db

URL = "/api/v1/eligibility/check/"
ENROL = {
    "email": "impostor@home.example",
    "state": "NY",
    "time_zone": "America/New_York",
    "phone": "",
    "preferred_language": "en",
    "password": "a-long-enough-passphrase-3",
}


def _check(client, slug: str, **extra):
    body = {
        "sponsor": slug,
        "first_name": "Jordan",
        "last_name": "Rivera",
        "date_of_birth": "1980-02-14",
        **extra,
    }
    return client.post(URL, body, content_type="application/json")


def test_name_and_birth_date_alone_show_no_enrolment_link(
    client, django_capture_on_commit_callbacks
):
    SponsorFactory(slug="open-co")
    RosterEntryFactory(
        sponsor=Sponsor.objects.get(slug="open-co"), email="jordan.rivera@open-co.example"
    )
    with django_capture_on_commit_callbacks() as queued:
        response = _check(client, "open-co")
    assert response.status_code == 200
    assert response.json()["status"] == "covered"
    assert response.json()["enrol_url"] == ""
    assert "/eligibility/enrol/" not in response.content.decode()
    assert "email address" in response.json()["message"]
    assert len(queued) == 1  # the link goes out by email, to the roster's address
    page = client.post(
        "/eligibility/",
        {
            "sponsor": "open-co",
            "first_name": "Jordan",
            "last_name": "Rivera",
            "date_of_birth": "1980-02-14",
        },
    )
    assert "/eligibility/enrol/" not in page.content.decode()


def test_without_a_roster_email_staff_confirm_the_person_first(client):
    sponsor = SponsorFactory(slug="open-co")
    RosterEntryFactory(sponsor=sponsor, email="")
    response = _check(client, "open-co", email="someone@home.example")
    assert response.json()["status"] == "needs_review"
    assert response.json()["enrol_url"] == ""
    review = EligibilityReview.objects.get()
    assert review.reason == "no_second_factor"


def test_a_member_id_sponsor_still_shows_the_link(client):
    sponsor = SponsorFactory(slug="plan-co", requires_member_id=True)
    RosterEntryFactory(sponsor=sponsor, member_id="PL-9", email="jordan@plan.example")
    assert (
        _check(client, "plan-co", member_id="PL-9")
        .json()["enrol_url"]
        .startswith("/eligibility/enrol/")
    )


def test_enrolment_binds_to_the_rosters_email(client):
    entry = RosterEntryFactory(email="jordan.rivera@open-co.example")
    response = client.post(enrolment_url_for(entry), ENROL)
    assert response.status_code == 400
    assert "on file for you" in response.content.decode()
    assert not User.objects.filter(email="impostor@home.example").exists()
    assert not Enrolment.objects.exists()


def test_staff_release_a_claimed_coverage_for_the_real_person(client, staff):
    # the recovery path: staff delete the impostor's enrolment in the admin (audited); the
    # real person then enrols from their own link
    entry = RosterEntryFactory(email="")
    client.post(enrolment_url_for(entry), ENROL)
    [confirm_url] = pending_enrolment_confirm_urls()
    client.post(confirm_url)  # the impostor reads their own mailbox
    claimed = Enrolment.objects.get(roster_entry=entry)
    staff.is_superuser = True
    staff.save(update_fields=["is_superuser"])
    admin = client_for(staff)
    url = f"/admin/accounts/enrolment/{claimed.pk}/delete/"
    assert admin.get(url).status_code == 200
    assert admin.post(url, {"post": "yes"}).status_code == 302
    assert not Enrolment.objects.filter(roster_entry=entry).exists()
    from accounts.models import AuditEvent

    assert AuditEvent.objects.filter(
        action="delete", object_type="accounts.enrolment", patient_id=claimed.user_id
    ).exists()
    real = client_for(None)
    real.post(enrolment_url_for(entry), {**ENROL, "email": "jordan@home.example"})
    [confirm_url] = pending_enrolment_confirm_urls()
    assert real.post(confirm_url).status_code == 302
    assert Enrolment.objects.get(roster_entry=entry).user.email == "jordan@home.example"


def test_the_demo_sponsor_requires_the_member_id(settings):
    settings.DEBUG = True  # seed_demo refuses to run otherwise
    call_command("seed_demo")
    acme = Sponsor.objects.get(slug="acme")
    assert acme.requires_member_id
    response = client_for(None).post(
        URL,
        {
            "sponsor": "acme",
            "first_name": "Dana",
            "last_name": "Whitfield",
            "date_of_birth": "1986-04-12",
        },
        content_type="application/json",
    )
    assert response.status_code == 400
    assert "member_id" in response.json()["errors"]
