"""Sign-up must not tell who has an account (issue 13, Medium): the answer is the same for an
address that already has one and for a new one, on the page and the API, from an invitation
and from an enrolment link. The owner of a taken address gets an email instead, and nothing
is created for them. The emails go through the real worker to the SMTP sink."""

import re
from urllib.parse import urlsplit

import pytest
from django.test import Client

from accounts.models import Enrolment, Invitation, User
from accounts.selectors.enrolment import (
    enrolment_url_for,
    invitation_token_for,
    invitation_url_for,
)
from accounts.services.enrolment import invitation_create
from tests.factories import PASSWORD, PatientFactory, RosterEntryFactory, TherapistFactory
from tests.mailbox import text_body

pytestmark = pytest.mark.django_db(transaction=True)

TAKEN, FREE = "taken@example.test", "free@example.test"
FORM = {
    "date_of_birth": "1990-02-14",
    "phone": "",
    "state": "NY",
    "time_zone": "America/New_York",
    "preferred_language": "en",
    "password": "a-long-and-unusual-passphrase",
}


def _same(page: str, address: str) -> str:
    """The page with the address itself and the per-request CSRF tokens blanked out."""
    return re.sub(r"[A-Za-z0-9]{64}", "<csrf>", page.replace(address, "<address>"))


@pytest.fixture
def owner(db: None) -> User:
    return PatientFactory(email=TAKEN, first_name="Tess")


def _invitations(pt, mailbox) -> dict[str, Invitation]:
    invitations = {
        address: invitation_create(invited_by=pt, email=address, first_name="Al", last_name="Bo")
        for address in (TAKEN, FREE)
    }
    # As people do: the invitation arrives, then they sign up (an invitation accepted before
    # its email went out is, rightly, not emailed at all).
    for address in invitations:
        mailbox.wait_for(address)
    return invitations


def _attempt_email(mailbox, *, after_invitation: bool = True) -> str:
    count = 2 if after_invitation else 1  # the invitation came first
    found = [m for m in mailbox.wait_for(TAKEN, count=count) if "tried to create" in m["Subject"]]
    assert found, "the owner of the taken address was not emailed"
    return text_body(found[0])


def test_the_invitation_page_answers_the_same_for_a_taken_address(
    celery_session_worker, mailbox, owner
):
    pt = TherapistFactory(therapist_profile__license_state="NY")
    invitations = _invitations(pt, mailbox)
    # A mistake first: both answers name only the mistake, never the taken address.
    bad = {
        address: Client().post(
            invitation_url_for(invitation), {**FORM, "password": "1", "date_of_birth": "x"}
        )
        for address, invitation in invitations.items()
    }
    assert bad[TAKEN].status_code == bad[FREE].status_code == 400
    assert _same(bad[TAKEN].content.decode(), TAKEN) == _same(bad[FREE].content.decode(), FREE)
    assert "already exists" not in bad[TAKEN].content.decode()

    answers = {
        address: Client().post(invitation_url_for(invitation), FORM)
        for address, invitation in invitations.items()
    }
    assert answers[TAKEN].status_code == answers[FREE].status_code == 200
    assert _same(answers[TAKEN].content.decode(), TAKEN) == _same(
        answers[FREE].content.decode(), FREE
    )
    assert "already exists" not in answers[TAKEN].content.decode()
    assert "sessionid" not in answers[FREE].cookies  # neither answer signs anyone in

    # Nothing created or changed for the owner; the new address has its account.
    assert User.objects.filter(email__iexact=TAKEN).count() == 1
    owner.refresh_from_db()
    assert owner.check_password(PASSWORD)
    assert User.objects.filter(email=FREE, role="patient").exists()
    body = _attempt_email(mailbox)
    assert "Someone tried to create a new" in body
    assert "/accounts/login/" in body and "/accounts/password/reset/" in body
    welcome = [m for m in mailbox.wait_for(FREE, count=2) if "Welcome" in m["Subject"]]
    assert welcome


def test_the_sign_up_api_answers_the_same_for_a_taken_address(
    celery_session_worker, mailbox, owner
):
    pt = TherapistFactory(therapist_profile__license_state="NY")
    invitations = _invitations(pt, mailbox)

    def sign_up(address: str, **extra: str):
        body = {
            **FORM,
            "email": address,
            "invitation": invitation_token_for(invitations[address]),
            **extra,
        }
        return Client().post("/api/v1/auth/signup/", body, content_type="application/json")

    weak = {address: sign_up(address, password="1") for address in (TAKEN, FREE)}
    assert weak[TAKEN].status_code == weak[FREE].status_code == 400
    assert weak[TAKEN].json() == weak[FREE].json()
    assert "email" not in weak[TAKEN].json()["errors"]

    answers = {address: sign_up(address) for address in (TAKEN, FREE)}
    assert answers[TAKEN].status_code == answers[FREE].status_code == 202
    assert answers[TAKEN].json()["detail"].replace(TAKEN, "") == answers[FREE].json()[
        "detail"
    ].replace(FREE, "")
    assert set(answers[TAKEN].json()) == set(answers[FREE].json()) == {"detail"}
    assert User.objects.filter(email__iexact=TAKEN).count() == 1
    assert User.objects.filter(email=FREE).exists()
    assert "Someone tried to create a new" in _attempt_email(mailbox)


def test_an_enrolment_link_cannot_probe_addresses(celery_session_worker, mailbox, owner):
    # A roster entry without an address: the person types any address. Each try must answer
    # alike, leave the link as it was, and create nothing until the address's owner acts.
    pt = TherapistFactory(therapist_profile__license_state="NY")
    entry = RosterEntryFactory(email="", first_name="Jordan", last_name="Rivera")
    link = enrolment_url_for(entry)
    enrol = {**FORM}
    enrol.pop("date_of_birth")
    answers = {
        address: Client().post(link, {**enrol, "email": address}) for address in (TAKEN, FREE)
    }
    assert answers[TAKEN].status_code == answers[FREE].status_code == 200
    assert _same(answers[TAKEN].content.decode(), TAKEN) == _same(
        answers[FREE].content.decode(), FREE
    )
    assert "already exists" not in answers[TAKEN].content.decode()
    assert not Enrolment.objects.exists()
    assert not User.objects.filter(email=FREE).exists()
    assert Client().get(link).status_code == 200  # the link still works, whatever was tried

    assert "Someone tried to create a new" in _attempt_email(mailbox, after_invitation=False)
    [confirm] = mailbox.wait_for(FREE)
    url = re.search(r"https?://\S+/eligibility/enrol/confirm/\S+", text_body(confirm)).group(0)
    person = Client()
    finished = person.post(urlsplit(url).path)
    assert finished.status_code == 302 and finished["Location"] == "/eligibility/intake/"
    user = User.objects.get(email=FREE)
    assert Enrolment.objects.get(roster_entry=entry).user == user
    assert user.check_password(FORM["password"])
    assert user.patient_profile.date_of_birth == entry.date_of_birth
    assert user.care_team_links.get(ended_at__isnull=True).therapist == pt
