"""A real Celery worker on Redis processes roster uploads and sends review decisions."""

import time

import pytest
from django.core.files.base import ContentFile
from django.urls import reverse

from accounts.models import EligibilityReview, RosterEntry, RosterImport
from accounts.services.eligibility import eligibility_check
from tests.conftest import client_for
from tests.factories import RosterEntryFactory, SponsorFactory, roster_csv, roster_person
from tests.mailbox import text_body

pytestmark = [pytest.mark.integration, pytest.mark.django_db(transaction=True)]


def _wait_for_status(import_id: int, *statuses: str, timeout: float = 20.0) -> RosterImport:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        found = RosterImport.objects.get(pk=import_id)
        if found.status in statuses:
            return found
        time.sleep(0.05)
    raise AssertionError(f"import {import_id} stayed {found.status}")


def test_worker_applies_an_uploaded_roster_and_waits_for_confirmation_of_a_big_cut(
    celery_session_worker, employer_admin
):
    client = client_for(employer_admin)
    rows = [roster_person(i) for i in range(20)]
    response = client.post(
        reverse("employer:imports"), {"file": ContentFile(roster_csv(rows), name="full.csv")}
    )
    assert response.status_code == 302
    first = RosterImport.objects.get()
    done = _wait_for_status(first.pk, "applied", "failed")
    assert (done.status, done.added) == ("applied", 20)

    # a file missing half the people waits for the admin, who confirms; the worker applies it
    client.post(
        reverse("employer:imports"), {"file": ContentFile(roster_csv(rows[:10]), name="half.csv")}
    )
    half = RosterImport.objects.exclude(pk=first.pk).get()
    assert _wait_for_status(half.pk, "awaiting_confirmation", "failed").ended == 10
    assert RosterEntry.objects.filter(ended_on__isnull=True).count() == 20
    client.post(reverse("employer:import-decide", args=[half.pk]), {"decision": "apply"})
    applied = _wait_for_status(half.pk, "applied")
    assert applied.ended == 10
    assert RosterEntry.objects.filter(ended_on__isnull=True).count() == 10


def test_worker_reports_a_bad_file_and_leaves_the_roster(celery_session_worker, employer_admin):
    acme = employer_admin.employer_profile.sponsor
    RosterEntryFactory(sponsor=acme)
    response = client_for(employer_admin).post(
        "/api/v1/employer/roster-imports/",
        {"file": ContentFile(b"\xff\xfe\x00garbage", name="roster.xlsx")},
    )
    assert response.status_code == 202
    failed = _wait_for_status(response.json()["id"], "failed", "applied")
    assert failed.status == "failed"
    assert "UTF-8" in failed.error
    assert RosterEntry.objects.filter(sponsor=acme, ended_on__isnull=True).count() == 1


def test_a_near_match_is_reviewed_by_staff_and_the_person_emailed(
    celery_session_worker, staff, mailbox
):
    sponsor = SponsorFactory(name="Initech")
    RosterEntryFactory(sponsor=sponsor, first_name="William", last_name="Okafor")
    outcome = eligibility_check(
        sponsor=sponsor,
        first_name="Bill",
        last_name="Okafor",
        date_of_birth=RosterEntryFactory._meta.model.objects.get().date_of_birth,
        email="bill@home.example",
    )
    assert outcome.status == "needs_review"
    client = client_for(staff)
    queue = client.get("/eligibility/reviews/").content.decode()
    assert "Bill Okafor" in queue
    client.post(
        reverse("eligibility:review-decide", args=[outcome.review_id]), {"decision": "approve"}
    )
    [message] = mailbox.wait_for("bill@home.example")
    body = text_body(message)
    assert "confirmed" in body
    link = next(line for line in body.splitlines() if "/eligibility/enrol/" in line)
    assert client_for(None).get(link.split("8000", 1)[-1]).status_code == 200
    assert EligibilityReview.objects.get().emailed_at is not None
    # deciding twice does nothing more
    client.post(
        reverse("eligibility:review-decide", args=[outcome.review_id]), {"decision": "reject"}
    )
    time.sleep(0.5)
    assert len(mailbox.to("bill@home.example")) == 1
