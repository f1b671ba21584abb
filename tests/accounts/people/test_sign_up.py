"""Open sign-up is closed: a person becomes a patient through coverage ("Do I qualify?") or a
clinic's or PT's invitation; the sign-up page and API need the invitation's signed token."""

import pytest
from django.core import signing

from accounts.models import CareTeamLink, Invitation, PatientProfile, User
from accounts.selectors.enrolment import invitation_token_for, invitation_url_for
from accounts.services.enrolment import invitation_create
from tests.conftest import client_for
from tests.factories import TherapistFactory

pytestmark = pytest.mark.django_db

GOOD = {
    "first_name": "Robin",
    "last_name": "Okoye",
    "email": "robin@example.test",
    "date_of_birth": "1990-02-14",
    "phone": "",
    "state": "NY",
    "time_zone": "America/Chicago",
    "preferred_language": "en",
    "password": "a-long-and-unusual-passphrase",
}


@pytest.fixture
def invitation(pt):
    return invitation_create(
        invited_by=pt, email="robin@example.test", first_name="Robin", last_name="Okoye"
    )


def test_open_sign_up_no_longer_creates_an_uncovered_unowned_patient(client):
    # Defect: /accounts/signup/ and POST /api/v1/auth/signup/ created a patient with no
    # coverage check, no intake and no PT.
    page = client.get("/accounts/signup/")
    assert page.status_code == 200
    assert "Do I qualify?" in page.content.decode()
    assert 'name="password"' not in page.content.decode()
    client.post("/accounts/signup/", GOOD)
    response = client.post("/api/v1/auth/signup/", GOOD, content_type="application/json")
    assert response.status_code == 400
    assert "Open sign-up is closed" in response.json()["detail"]
    assert "invitation" in response.json()["errors"]
    assert not User.objects.exists()


def test_an_invitation_opens_the_sign_up_page_and_the_inviting_pt_owns_the_patient(
    client, invitation, pt
):
    url = invitation_url_for(invitation)
    assert "Welcome, Robin" in client.get(url).content.decode()
    response = client.post(url, {**GOOD, "time_zone": ""})
    assert response.status_code == 200
    assert "We sent an email to robin@example.test" in response.content.decode()
    # not signed in by the sign-up itself (a taken address must get the same answer); the
    # welcome email's link leads to the login, and the intake comes first
    signed_in = client_for(None)
    login = signed_in.post(
        "/accounts/login/", {"username": GOOD["email"], "password": GOOD["password"]}
    )
    assert login.status_code == 302
    user = User.objects.get(email="robin@example.test")
    assert (user.first_name, user.role) == ("Robin", "patient")
    assert user.patient_profile.time_zone == "America/New_York"  # NY's zone when none sent
    assert CareTeamLink.objects.get(patient=user, ended_at__isnull=True).therapist == pt
    invitation.refresh_from_db()
    assert invitation.accepted_user == user
    # used once
    again = client_for(None).get(url).content.decode()
    assert "not valid, has expired or was already used" in again


def test_the_api_accepts_an_invitation_for_its_own_email_only(invitation):
    token = invitation_token_for(invitation)
    wrong = client_for(None).post(
        "/api/v1/auth/signup/",
        {**GOOD, "invitation": token, "email": "someone@else.test"},
        content_type="application/json",
    )
    assert wrong.status_code == 400 and "email" in wrong.json()["errors"]
    data = {**GOOD, "invitation": token, "role": "staff", "is_staff": True, "is_superuser": True}
    ok = client_for(None).post("/api/v1/auth/signup/", data, content_type="application/json")
    assert ok.status_code == 202
    user = User.objects.get(email=GOOD["email"])
    assert (user.role, user.is_staff, user.is_superuser) == ("patient", False, False)


def test_a_forged_or_expired_invitation_does_not_work(client, invitation, settings):
    forged = signing.dumps({"invitation": invitation.pk}, salt="something-else")
    page = client.get(f"/accounts/signup/?invitation={forged}").content.decode()
    assert "not valid" in page and 'name="password"' not in page
    settings.INVITATION_MAX_AGE_SECONDS = -1
    page = client.get(invitation_url_for(invitation)).content.decode()
    assert "not valid, has expired" in page
    assert not PatientProfile.objects.exists()


def test_bad_sign_up_input_names_the_field_and_creates_nothing(client, invitation):
    response = client.post(
        invitation_url_for(invitation), {**GOOD, "date_of_birth": "2999-01-01", "password": "1"}
    )
    assert response.status_code == 400
    page = response.content.decode()
    assert "Date of birth cannot be in the future" in page
    assert not User.objects.filter(email="robin@example.test").exists()
    invitation.refresh_from_db()
    assert invitation.accepted_at is None  # the invitation still works after a mistake


def test_a_pt_licensed_elsewhere_is_not_assigned_a_patient_from_another_state(client):
    ca_pt = TherapistFactory(therapist_profile__license_state="CA")
    ny_pt = TherapistFactory(therapist_profile__license_state="NY")
    invitation = invitation_create(
        invited_by=ca_pt, email="robin@example.test", first_name="Robin", last_name="Okoye"
    )
    client.post(invitation_url_for(invitation), GOOD)
    user = User.objects.get(email="robin@example.test")
    assert CareTeamLink.objects.get(patient=user).therapist == ny_pt


def test_only_pts_and_staff_invite(patient, pt, staff, employer_admin):
    for user in (patient, employer_admin):
        assert client_for(user).get("/accounts/invitations/").status_code == 404
    assert client_for(pt).get("/accounts/invitations/").status_code == 200
    response = client_for(staff).post(
        "/accounts/invitations/",
        {"first_name": "Ana", "last_name": "Diaz", "email": "ana@example.test"},
    )
    assert response.status_code == 302
    invitation = Invitation.objects.get(email="ana@example.test")
    assert invitation.therapist is None and invitation.invited_by == staff
    bad = client_for(pt).post("/accounts/invitations/", {"first_name": "", "email": "nope"})
    assert bad.status_code == 400
    assert Invitation.objects.count() == 1


def test_the_welcome_email_never_promises_a_pt_who_is_not_assigned(mailbox, pt):
    # Defect: the welcome email promised "your physical therapist will set up your program"
    # to a patient who had none and would never get one.
    from accounts.notifications import welcome_email_send
    from tests.factories import CareTeamLinkFactory, PatientFactory
    from tests.mailbox import text_body

    alone = PatientFactory(email="alone@example.test")
    assert welcome_email_send(user_id=alone.pk)
    text = text_body(mailbox.wait_for("alone@example.test")[0])
    assert "We have not assigned you a physical therapist yet" in text
    assert "care-coordination team" in text
    cared_for = PatientFactory(email="cared@example.test")
    CareTeamLinkFactory(patient=cared_for, therapist=pt)
    assert welcome_email_send(user_id=cared_for.pk)
    assert "has been assigned to you" in text_body(mailbox.wait_for("cared@example.test")[0])
