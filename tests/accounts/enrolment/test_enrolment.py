"""Enrolment: the covered person's account, the PT with the fewest patients, then the intake."""

import pytest
from django.core import signing

from accounts.models import CareTeamLink, Enrolment, User
from accounts.selectors.enrolment import enrolment_url_for
from accounts.services.enrolment import therapist_pick_for_state
from programs.models import Intake
from tests.conftest import client_for, pending_enrolment_confirm_urls
from tests.factories import (
    CareTeamLinkFactory,
    RosterEntryFactory,
    TherapistFactory,
)

pytestmark = pytest.mark.django_db

ENROL = {
    "email": "jordan@home.example",
    "state": "NY",
    "time_zone": "America/New_York",
    "phone": "",
    "preferred_language": "en",
    "password": "a-long-enough-passphrase-3",
}


def test_the_pt_with_the_fewest_active_patients_in_the_state_is_chosen():
    busy = TherapistFactory(therapist_profile__license_state="NY")
    free = TherapistFactory(therapist_profile__license_state="NY")
    elsewhere = TherapistFactory(therapist_profile__license_state="CA")
    for _ in range(2):
        CareTeamLinkFactory(therapist=busy)
    CareTeamLinkFactory(therapist=free)
    ended = CareTeamLinkFactory(therapist=free)
    ended.ended_at = ended.started_at
    ended.save()
    assert therapist_pick_for_state(state="NY") == free
    assert therapist_pick_for_state(state="CA") == elsewhere
    assert therapist_pick_for_state(state="TX") is None


def test_a_covered_person_enrols_gets_a_pt_and_answers_the_intake(client):
    pt = TherapistFactory(therapist_profile__license_state="NY")
    entry = RosterEntryFactory(first_name="Jordan", last_name="Rivera")
    sent = client.post(enrolment_url_for(entry), ENROL)
    assert "We sent an email to jordan@home.example" in sent.content.decode()
    assert not User.objects.filter(role="patient").exists()  # nothing until the link is followed
    [confirm_url] = pending_enrolment_confirm_urls()
    assert client.get(confirm_url).status_code == 200  # a button: mail scanners use nothing up
    response = client.post(confirm_url)
    assert response.status_code == 302
    assert response["Location"] == "/eligibility/intake/"
    assert client.post(confirm_url).status_code == 404  # once only
    user = User.objects.get(email="jordan@home.example")
    assert (user.first_name, user.last_name) == ("Jordan", "Rivera")
    assert user.patient_profile.date_of_birth == entry.date_of_birth
    assert Enrolment.objects.get(user=user).roster_entry == entry
    assert CareTeamLink.objects.get(patient=user, ended_at__isnull=True).therapist == pt

    done = client.post(
        "/eligibility/intake/",
        {
            "pain_areas": ["front_of_hip", "lower_back"],
            "pain_now": "6",
            "goals": "Run again",
            "hard_activities": "standing up\n\nclimbing stairs",
        },
    )
    assert done.status_code == 302
    intake = Intake.objects.get(patient=user)
    assert intake.hard_activities == ["standing up", "climbing stairs"]
    assert intake.has_red_flags is False
    # the same link cannot make a second account
    again = client_for(None).post(enrolment_url_for(entry), {**ENROL, "email": "x@home.example"})
    assert "already exists" in again.content.decode()


def test_a_forged_or_ended_enrolment_link_does_not_work(client):
    entry = RosterEntryFactory()
    forged = signing.dumps({"entry": entry.pk}, salt="something-else")
    assert client.get(f"/eligibility/enrol/{forged}/").status_code == 404
    link = enrolment_url_for(entry)
    entry.ended_on = entry.coverage_start
    entry.save()
    assert client.get(link).status_code == 404
    assert client.post(link, ENROL).status_code == 404
    assert not User.objects.filter(email=ENROL["email"]).exists()
