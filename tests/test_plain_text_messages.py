"""Plain-text email and SMS show names as written: O'Neil, not O&#x27;Neil. Only HTML escapes."""

import pytest

from accounts.notifications import welcome_email_send
from programs import notifications
from tests import factories
from tests.mailbox import text_body

pytestmark = pytest.mark.django_db

NAME = "Siobhán O'Neil & Zoë"


def _html_body(message) -> str:
    for part in message.walk():
        if part.get_content_type() == "text/html":
            return part.get_payload(decode=True).decode(part.get_content_charset() or "utf-8")
    raise AssertionError("no text/html part")


def test_the_welcome_email_writes_the_name_as_it_is_in_text_and_escaped_in_html(mailbox):
    patient = factories.PatientFactory(first_name=NAME)
    assert welcome_email_send(user_id=patient.pk)
    [message] = mailbox.wait_for(patient.email)
    assert f"Hello {NAME}," in text_body(message)
    assert "&#x27;" not in text_body(message) and "&amp;" not in text_body(message)
    assert "Siobhán O&#x27;Neil &amp; Zoë" in _html_body(message)


def test_a_reminder_writes_the_name_as_it_is_in_text_and_sms_and_escaped_in_html():
    recipient = notifications.ReminderRecipient(
        delivery_id=7, patient_id=3, first_name=NAME, email="siobhan@example.test"
    )
    templates = notifications.ReminderTemplates()
    message, sms = templates.messages(recipient)
    assert NAME in message.subject + message.body
    assert "&#x27;" not in message.body and "&amp;" not in message.body
    assert NAME in sms and "&#x27;" not in sms
    [(html, _mime)] = message.alternatives
    assert "Siobhán O&#x27;Neil &amp; Zoë" in html
    # the batch's fast path (templates rendered once, names filled in) gives exactly what
    # rendering this one message on its own gives
    url = templates._url(recipient)
    assert templates._filled(recipient, url) == templates._rendered(recipient, url)
