"""Reminder pages and API: a patient reaches only their own; everyone else gets 404."""

import pytest
from django.utils import timezone

from programs.models import ReminderDelivery, ReminderSchedule, ReminderSettings
from tests.conftest import client_for
from tests.programs.reminders.conftest import choose

pytestmark = pytest.mark.django_db

PAGES = ["/reminders/", "/reminders/log/"]
APIS = ["/api/v1/reminders/settings/", "/api/v1/reminders/log/"]


def _delivery(patient, **extra) -> ReminderDelivery:
    now = timezone.now()
    return ReminderDelivery.objects.create(
        patient=patient,
        slot_at=extra.pop("slot_at", now),
        local_date=now.date(),
        local_time=now.time().replace(second=0, microsecond=0),
        **extra,
    )


@pytest.mark.parametrize("url", PAGES + APIS)
def test_only_patients_reach_reminders(url, patient, pt, pt2, employer_admin, staff):
    assert client_for(patient).get(url).status_code == 200
    for other in (pt, pt2, employer_admin, staff):
        assert client_for(other).get(url).status_code == 404, other.role


@pytest.mark.parametrize("url", PAGES)
def test_pages_send_anonymous_visitors_to_log_in(url, db, client):
    response = client.get(url)
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")


@pytest.mark.parametrize("url", APIS)
def test_api_refuses_anonymous_visitors(url, db, client):
    assert client.get(url).status_code in (401, 403)


def test_log_shows_only_the_patients_own_reminders(patient, patient2):
    _delivery(patient, status="sent", channel="email")
    _delivery(
        patient, status="skipped", reason="session_done", slot_at=timezone.now().replace(1999)
    )
    _delivery(patient2, status="failed", reason="provider_error")
    page = client_for(patient).get("/reminders/log/").content.decode()
    assert "Sent" in page and "You had already done that day" in page
    assert "Could not be sent" not in page
    api = client_for(patient).get("/api/v1/reminders/log/").json()
    assert sorted(r["status"] for r in api) == ["sent", "skipped"]
    assert client_for(patient2).get("/api/v1/reminders/log/").json()[0]["status"] == "failed"


def test_first_visit_offers_the_profile_time_zone_and_saving_builds_the_schedule(patient):
    client = client_for(patient)
    page = client.get("/reminders/").content.decode()
    # The profile's zone, not the browser's: one source of truth (docs/pathway.md)
    assert "data-detect" not in page and 'value="America/New_York"' in page
    response = client.post(
        "/reminders/",
        {
            "enabled": "on",
            "times": "07:30, 18:00",
            "weekdays": ["0", "2", "4"],
            "time_zone": "",  # JavaScript off: the profile's zone is used
            "channel": "email",
            "quiet_start": "22:00",
            "quiet_end": "06:30",
            "pause": "",
        },
    )
    assert response.status_code == 302
    prefs = ReminderSettings.objects.get(patient=patient)
    assert (prefs.time_zone, prefs.weekdays) == ("America/New_York", 0b10101)
    times = sorted(s.local_time.strftime("%H:%M") for s in ReminderSchedule.objects.all())
    assert times == ["07:30", "18:00"]
    assert "data-detect" not in client.get("/reminders/").content.decode()


def test_bad_form_input_names_the_field_and_saves_nothing(patient):
    response = client_for(patient).post(
        "/reminders/",
        {
            "enabled": "on",
            "times": "7.30pm",
            "weekdays": ["0"],
            "time_zone": "Mars/Olympus",
            "channel": "email",
        },
    )
    assert response.status_code == 200
    page = response.content.decode()
    assert "is not a time" in page
    assert not ReminderSettings.objects.exists()

    response = client_for(patient).post(
        "/reminders/",
        {
            "enabled": "on",
            "times": "23:00",
            "weekdays": ["0"],
            "time_zone": "Mars/Olympus",
            "channel": "sms",
            "quiet_start": "22:00",
            "quiet_end": "07:00",
        },
    )
    page = response.content.decode()
    assert "not a time zone we know" in page
    assert "falls in your quiet hours" in page
    assert "Add a phone number" in page
    assert not ReminderSettings.objects.exists() and not ReminderSchedule.objects.exists()


def test_api_put_saves_and_get_reads_back(patient):
    client = client_for(patient)
    body = {
        "enabled": True,
        "times": ["06:45", "19:15"],
        "weekdays": [5, 6],
        "time_zone": "Pacific/Auckland",
        "channel": "email",
        "quiet_start": None,
        "quiet_end": None,
        "pause_days": 7,
    }
    response = client.put("/api/v1/reminders/settings/", body, content_type="application/json")
    assert response.status_code == 200, response.json()
    data = client.get("/api/v1/reminders/settings/").json()
    assert data["times"] == ["06:45", "19:15"]
    assert data["weekdays"] == [5, 6]
    assert data["time_zone"] == "Pacific/Auckland"
    assert data["paused_until"] is not None
    assert ReminderSchedule.objects.filter(patient=patient, enabled=True).count() == 2


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"time_zone": "Nowhere/Land"}, "time_zone"),
        ({"times": ["25:00"]}, "times"),
        ({"times": ["08:00", "08:00"]}, "times"),
        ({"weekdays": []}, "weekdays"),
        ({"weekdays": [7]}, "weekdays"),
        ({"channel": "pigeon"}, "channel"),
        ({"channel": "both"}, "channel"),  # no phone number on the profile
        ({"quiet_start": "21:00", "quiet_end": "09:00"}, "times"),
        ({"quiet_start": "21:00"}, "quiet_end"),
        ({"pause_days": 365}, "pause_days"),
    ],
)
def test_api_bad_input_is_a_400_naming_the_field_and_saves_nothing(patient, change, field):
    choose(patient, times=("12:00",))
    before = list(ReminderSchedule.objects.values_list("local_time", "next_due_at"))
    body = {
        "enabled": True,
        "times": ["08:00"],
        "weekdays": [0, 1, 2],
        "time_zone": "America/Chicago",
        "channel": "email",
        **change,
    }
    response = client_for(patient).put(
        "/api/v1/reminders/settings/", body, content_type="application/json"
    )
    assert response.status_code == 400
    # A list's item is named with its position: "weekdays.0".
    named = {name.split(".")[0] for name in response.json()["errors"]}
    assert field in named, response.json()
    assert list(ReminderSchedule.objects.values_list("local_time", "next_due_at")) == before
    assert ReminderSettings.objects.get(patient=patient).time_zone == "America/New_York"


def test_unsubscribe_link_needs_no_login_and_a_get_changes_nothing(patient, client):
    from programs.notifications import unsubscribe_token

    choose(patient)
    url = f"/reminders/unsubscribe/{unsubscribe_token(patient_id=patient.pk)}/"
    assert client.get(url).status_code == 200
    assert ReminderSettings.objects.get(patient=patient).unsubscribed_at is None
    response = client.post(url)
    assert response.status_code == 200 and b"Reminders stopped" in response.content
    assert ReminderSettings.objects.get(patient=patient).unsubscribed_at is not None
    assert not ReminderSchedule.objects.filter(enabled=True).exists()
    # a tampered token is a 404, and unsubscribes no one
    assert (
        client.post(url.replace("/reminders/unsubscribe/", "/reminders/unsubscribe/x")).status_code
        == 404
    )
    # saving the settings page again is an explicit choice: reminders are back on
    choose(patient)
    assert ReminderSchedule.objects.filter(enabled=True).count() == 1


def test_schema_lists_the_reminder_endpoints(db, client):
    schema = client.get("/api/schema/").content.decode()
    assert "/api/v1/reminders/settings/" in schema and "/api/v1/reminders/log/" in schema
