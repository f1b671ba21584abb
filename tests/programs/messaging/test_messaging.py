"""The care-team thread: access by the whole cast, unread counts, bad input."""

import pytest
from django.urls import reverse

from programs.models import MESSAGE_MAX_LENGTH, Message
from programs.selectors.messaging import thread_list_for_user, unread_count_for_user
from programs.services.messaging import message_post
from tests.conftest import client_for

pytestmark = pytest.mark.django_db


def _thread_urls(patient):
    return [
        reverse("programs:thread", args=[patient.pk]),
        f"/api/v1/messages/threads/{patient.pk}/",
    ]


def test_patient_reads_only_their_own_thread(patient, patient2):
    client = client_for(patient)
    assert client.get(reverse("programs:messages")).status_code == 200
    for url in _thread_urls(patient):
        assert client.get(url).status_code == 200
    for url in _thread_urls(patient2):
        assert client.get(url).status_code == 404
    response = client.post(
        f"/api/v1/messages/threads/{patient2.pk}/messages/", {"body": "hi"}, "application/json"
    )
    assert response.status_code == 404
    assert not Message.objects.exists()


def test_therapist_reads_only_their_caseloads_threads(pt, patient, patient2):
    message_post(sender=patient, patient=patient, body="Hello from Alex")
    message_post(sender=patient2, patient=patient2, body="Hello from Blair")
    client = client_for(pt)
    for url in _thread_urls(patient):
        assert client.get(url).status_code == 200
    for url in _thread_urls(patient2):
        assert client.get(url).status_code == 404
    inbox = client.get(reverse("programs:messages")).content.decode()
    assert patient.last_name in inbox
    assert patient2.last_name not in inbox
    listed = client.get("/api/v1/messages/threads/").json()
    assert [t["patient_id"] for t in listed] == [patient.pk]
    response = client.post(
        f"/api/v1/messages/threads/{patient2.pk}/messages/", {"body": "hi"}, "application/json"
    )
    assert response.status_code == 404
    assert Message.objects.filter(patient=patient2).count() == 1


@pytest.mark.parametrize("who", ["employer_admin", "staff"])
def test_employer_admin_and_staff_never_see_threads(request, who, patient, pt):
    message_post(sender=patient, patient=patient, body="private")
    client = client_for(request.getfixturevalue(who))
    assert client.get(reverse("programs:messages")).status_code == 404
    for url in [*_thread_urls(patient), "/api/v1/messages/threads/"]:
        assert client.get(url).status_code == 404
    assert (
        client.post(reverse("programs:thread", args=[patient.pk]), {"body": "x"}).status_code == 404
    )


def test_anonymous_is_sent_to_log_in(patient):
    client = client_for(None)
    page = client.get(reverse("programs:thread", args=[patient.pk]))
    assert page.status_code == 302
    assert page["Location"].startswith(reverse("accounts:login"))
    assert client.get("/api/v1/messages/threads/").status_code in (401, 403)
    assert client.get(f"/api/v1/messages/threads/{patient.pk}/").status_code in (401, 403)


def test_unread_counts_follow_reading_and_replying(pt, patient):
    # given: the patient writes twice
    client_p, client_t = client_for(patient), client_for(pt)
    for body in ("My hip is tight after the lunge.", "Should I skip it today?"):
        assert client_p.post(reverse("programs:messages"), {"body": body}).status_code == 302
    # then: the PT has two unread, shown in the nav and the inbox; the patient has none
    assert unread_count_for_user(user=pt) == 2
    assert unread_count_for_user(user=patient) == 0
    caseload = client_t.get(reverse("caseload")).content.decode()
    assert '2<span class="visually-hidden"> unread</span>' in caseload
    [row] = thread_list_for_user(user=pt)
    assert row.unread_count == 2
    assert client_t.get("/api/v1/messages/threads/").json()[0]["unread_count"] == 2
    # and the PT's patient page links to the thread with the count
    detail = client_t.get(reverse("patient-detail", args=[patient.pk])).content.decode()
    assert reverse("programs:thread", args=[patient.pk]) in detail
    assert "(2 unread)" in detail

    # when: the PT opens the thread through the API, it is read
    data = client_t.get(f"/api/v1/messages/threads/{patient.pk}/").json()
    assert [m["body"] for m in data["messages"]] == [
        "My hip is tight after the lunge.",
        "Should I skip it today?",
    ]
    assert unread_count_for_user(user=pt) == 0
    # when: the PT replies, the patient has one unread
    response = client_t.post(
        f"/api/v1/messages/threads/{patient.pk}/messages/",
        {"body": "Skip it today, try the bridge."},
        "application/json",
    )
    assert response.status_code == 201
    assert unread_count_for_user(user=patient) == 1
    assert unread_count_for_user(user=pt) == 0
    page = client_p.get(reverse("programs:messages")).content.decode()
    assert "Skip it today, try the bridge." in page
    assert unread_count_for_user(user=patient) == 0


def test_empty_and_too_long_messages_are_refused_with_a_clear_message(patient):
    client = client_for(patient)
    page = client.post(reverse("programs:messages"), {"body": "   "})
    assert page.status_code == 400
    assert "Write a message before sending it." in page.content.decode()
    page = client.post(reverse("programs:messages"), {"body": "x" * (MESSAGE_MAX_LENGTH + 1)})
    assert page.status_code == 400
    assert f"at most {MESSAGE_MAX_LENGTH} characters" in page.content.decode()

    api = f"/api/v1/messages/threads/{patient.pk}/messages/"
    for body in ("", "  \n "):
        response = client.post(api, {"body": body}, "application/json")
        assert response.status_code == 400
        assert response.json()["errors"]["body"] == ["Write a message before sending it."]
    response = client.post(api, {"body": "y" * (MESSAGE_MAX_LENGTH + 1)}, "application/json")
    assert response.status_code == 400
    assert "body" in response.json()["errors"]
    assert not Message.objects.exists()


def test_an_ended_care_team_link_ends_the_pts_access(pt, patient):
    from django.utils import timezone

    message_post(sender=patient, patient=patient, body="hello")
    patient.care_team_links.update(ended_at=timezone.now())
    assert client_for(pt).get(reverse("programs:thread", args=[patient.pk])).status_code == 404
    assert unread_count_for_user(user=pt) == 0


def test_the_inbox_and_nav_count_take_the_same_queries_for_3_or_30_threads(pt):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from tests import factories

    client = client_for(pt)

    def add_threads(n: int) -> None:
        for _ in range(n):
            p = factories.PatientFactory()
            factories.CareTeamLinkFactory(patient=p, therapist=pt)
            message_post(sender=p, patient=p, body="hello")

    def queries() -> int:
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(reverse("programs:messages")).status_code == 200
        return len(ctx.captured_queries)

    add_threads(3)
    queries()  # the session's first request also stores when it was last seen
    few = queries()
    add_threads(27)
    assert queries() == few
    assert unread_count_for_user(user=pt) == 30


def test_a_pt_who_left_the_care_team_is_not_emailed(pt, pt2, patient, mailbox):
    from django.utils import timezone

    from programs.notifications import message_notification_send
    from tests import factories

    # given: pt2 joined the care team, read the thread, then left it
    link = factories.CareTeamLinkFactory(patient=patient, therapist=pt2, is_primary=False)
    message_post(sender=pt2, patient=patient, body="Covering for Pat this week.")
    link.ended_at = timezone.now()
    link.save()
    # when: the patient writes
    message = message_post(sender=patient, patient=patient, body="Thanks!")
    # then: only the current PT is told (the task's function, run here directly)
    assert message_notification_send(message_id=message.pk) == 1
    assert [m["To"] for m in mailbox.messages] == [pt.email]
