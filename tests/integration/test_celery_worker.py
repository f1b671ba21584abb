"""A real Celery worker on Redis runs the tasks that sign-up and password reset enqueue."""

import time
from urllib.parse import urlsplit

import pytest
from django.conf import settings
from django.urls import reverse

from accounts.models import User
from tests.mailbox import text_body

pytestmark = [pytest.mark.integration, pytest.mark.django_db(transaction=True)]

SIGN_UP = {
    "first_name": "Kai",
    "last_name": "Moreno",
    "email": "kai@example.test",
    "date_of_birth": "1992-07-01",
    "time_zone": "Europe/Lisbon",
    "preferred_language": "en",
    "password": "long-enough-passphrase-77",
}


def _wait_until(predicate, timeout: float = 15.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return
        time.sleep(0.05)
    raise AssertionError("condition not met in time")


def test_worker_sends_the_invitation_and_welcome_emails_once_and_records_them(
    celery_session_worker, client, mailbox
):
    from accounts.models import Invitation
    from accounts.selectors.enrolment import invitation_token_for
    from accounts.services.enrolment import invitation_create
    from tests.factories import TherapistFactory

    # given: a PT invites Kai; the invitation email is a Celery task
    pt = TherapistFactory(therapist_profile__license_state="NY")
    invitation = invitation_create(
        invited_by=pt, email="kai@example.test", first_name="Kai", last_name="Moreno"
    )
    [invite] = mailbox.wait_for("kai@example.test")
    assert invitation_token_for(invitation)[:20] in text_body(invite).replace("\n", "")
    _wait_until(lambda: Invitation.objects.get(pk=invitation.pk).emailed_at is not None)
    # when: Kai signs up through the API with it; the welcome email is a Celery task
    data = {**SIGN_UP, "state": "NY", "invitation": invitation_token_for(invitation)}
    assert (
        client.post("/api/v1/auth/signup/", data, content_type="application/json").status_code
        == 202
    )
    # then: the worker sent it through SMTP and recorded the fact in the database
    message = mailbox.wait_for("kai@example.test", count=2)[1]
    assert "Kai" in text_body(message)
    assert "has been assigned to you" in text_body(message)
    _wait_until(
        lambda: User.objects.get(email="kai@example.test").welcome_email_sent_at is not None
    )

    # and running the task again (a redelivery) sends nothing more
    from accounts.tasks import accounts_send_welcome_email_task

    accounts_send_welcome_email_task.delay(User.objects.get(email="kai@example.test").pk)
    time.sleep(1.0)
    assert len(mailbox.to("kai@example.test")) == 2


def test_worker_sends_a_working_password_reset_link(celery_session_worker, client, mailbox):
    user = User.objects.create_user(
        "reset@example.test", "first-password-xyz", first_name="Rae", last_name="L"
    )
    # issue 13 (Low): another port of an allowed host in Host no longer makes the link
    response = client.post(
        reverse("accounts:password_reset"),
        {"email": "RESET@example.test"},
        HTTP_HOST="127.0.0.1:6666",
    )
    assert response.status_code == 302
    [message] = mailbox.wait_for("reset@example.test")
    link = next(line for line in text_body(message).splitlines() if "/password/reset/" in line)
    link = link.strip()
    assert link.startswith(settings.PUBLIC_BASE_URL), link
    assert ":6666" not in link
    path = urlsplit(link).path
    form = client.get(path, follow=True)
    assert form.status_code == 200
    done = client.post(
        form.redirect_chain[-1][0],
        {"new_password1": "second-password-xyz", "new_password2": "second-password-xyz"},
    )
    assert done.status_code == 302
    user.refresh_from_db()
    assert user.check_password("second-password-xyz")


def test_reset_for_an_unknown_email_sends_nothing_and_says_the_same(
    celery_session_worker, client, mailbox
):
    response = client.post(reverse("accounts:password_reset"), {"email": "nobody@example.test"})
    assert response.status_code == 302
    assert response["Location"] == reverse("accounts:password_reset_done")
    time.sleep(1.0)
    assert mailbox.messages == []
