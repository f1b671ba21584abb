"""Issue 13 (Low): with email going to the console (the default for `make run`), the worker's
log held a working password-reset link."""

import pytest
from django.test import override_settings

from accounts.notifications import password_reset_email_send

pytestmark = pytest.mark.django_db

CONSOLE = {"default": {"BACKEND": "django.core.mail.backends.console.EmailBackend", "OPTIONS": {}}}


@override_settings(MAILERS=CONSOLE)
def test_no_reset_link_is_written_to_the_log(patient, capsys):
    assert password_reset_email_send(user_id=patient.pk, base_url="http://127.0.0.1:8000")
    out = capsys.readouterr().out
    assert "/password/reset/" not in out
    assert "link withheld" in out
