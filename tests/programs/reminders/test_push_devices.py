"""Web Push devices: each patient sees and removes only their own; made-up or internal push
endpoints are refused, nothing half-saved; the push channel needs no phone number."""

import pytest
from django.urls import reverse

from programs.models import PushSubscription, ReminderSettings
from tests.conftest import client_for
from tests.programs.reminders.conftest import choose

API = "/api/v1/reminders/push-subscriptions/"
KEYS = {"p256dh": "B" + "A" * 86, "auth": "A" * 22}


def _device(patient, name: str = "one") -> PushSubscription:
    return PushSubscription.objects.create(
        patient=patient,
        endpoint=f"https://fcm.googleapis.com/fcm/send/{name}",
        device_label=f"Phone {name}",
        **KEYS,
    )


@pytest.mark.django_db
def test_a_patient_adds_lists_and_removes_only_their_own_devices(patient, patient2):
    client = client_for(patient)
    body = {"endpoint": "https://fcm.googleapis.com/fcm/send/abc", "keys": KEYS}
    response = client.post(API, body, content_type="application/json")
    assert response.status_code == 201
    # the same browser subscribing again updates its row, it does not add a second
    assert client.post(API, body, content_type="application/json").status_code == 201
    mine = PushSubscription.objects.get(patient=patient)
    theirs = _device(patient2, "theirs")
    assert [d["id"] for d in client.get(API).json()] == [mine.pk]
    # another patient's device: 404 on the API and on the page, and it stays
    assert client.delete(f"{API}{theirs.pk}/").status_code == 404
    page_remove = reverse("programs:push-device-remove", args=[theirs.pk])
    assert client.post(page_remove).status_code == 404
    assert PushSubscription.objects.filter(pk=theirs.pk).exists()
    # the settings page lists mine, not theirs
    page = client.get(reverse("programs:reminders")).content.decode()
    assert "Get notifications on this device" in page
    assert reverse("programs:push-device-remove", args=[mine.pk]) in page
    assert page_remove not in page
    # removing my own
    assert client.delete(f"{API}{mine.pk}/").status_code == 204
    assert not PushSubscription.objects.filter(patient=patient).exists()


@pytest.mark.django_db
@pytest.mark.parametrize(
    "endpoint",
    [
        "https://evil.example/push",  # not a push service
        "http://fcm.googleapis.com/fcm/send/x",  # not https
        "http://10.0.0.5/push",  # an internal address (server-side request forgery)
        "https://169.254.169.254/latest/meta-data/",
        "http://127.0.0.1:6379/",  # loopback, not allowed outside the tests' own service
        "https://fcm.googleapis.com.evil.example/send/x",
    ],
)
def test_endpoints_that_are_not_a_push_service_are_refused(patient, endpoint):
    response = client_for(patient).post(
        API, {"endpoint": endpoint, "keys": KEYS}, content_type="application/json"
    )
    assert response.status_code == 400
    assert "endpoint" in response.json()["errors"]
    assert not PushSubscription.objects.exists()


@pytest.mark.django_db
@pytest.mark.parametrize(
    "keys",
    [{}, {"p256dh": "short", "auth": "A" * 22}, {"p256dh": KEYS["p256dh"], "auth": "!" * 22}],
)
def test_bad_keys_are_a_400_and_nothing_is_saved(patient, keys):
    body = {"endpoint": "https://fcm.googleapis.com/fcm/send/abc", "keys": keys}
    response = client_for(patient).post(API, body, content_type="application/json")
    assert response.status_code == 400
    assert not PushSubscription.objects.exists()


@pytest.mark.django_db
def test_push_is_a_channel_that_needs_no_phone_number(patient):
    patient.patient_profile.phone = ""
    patient.patient_profile.save(update_fields=["phone"])
    choose(patient, channel="push")
    assert ReminderSettings.objects.get(patient=patient).channel == "push"
    page = client_for(patient).get(reverse("programs:reminders")).content.decode()
    assert "Notification on my phone or computer" in page


@pytest.mark.django_db
def test_the_export_lists_the_devices_without_their_secrets(patient):
    from programs.selectors.records import _reminders

    device = _device(patient)
    [exported] = _reminders(patient)["push_devices"]
    assert exported["push_service"] == "fcm.googleapis.com"
    assert device.endpoint not in str(exported) and device.auth not in str(exported)


@pytest.mark.django_db
def test_without_a_vapid_key_pair_push_is_not_offered_on_the_page_or_the_api(patient, settings):
    settings.VAPID_PUBLIC_KEY = settings.VAPID_PRIVATE_KEY = ""
    client = client_for(patient)
    page = client.get(reverse("programs:reminders")).content.decode()
    assert "Notification on my phone or computer" not in page
    assert "Notifications on your devices" not in page
    # asked for anyway: a clear error, and nothing saved
    form = {"enabled": "on", "times": "08:00", "weekdays": ["0"], "time_zone": "UTC"}
    response = client.post(reverse("programs:reminders"), {**form, "channel": "push"})
    assert response.status_code == 200
    assert "Select a valid choice. push is not one of the available choices." in (
        response.content.decode()
    )
    assert not ReminderSettings.objects.filter(patient=patient, channel="push").exists()
    api = client.put(
        "/api/v1/reminders/settings/",
        {
            "enabled": True,
            "times": ["08:00"],
            "weekdays": [0],
            "time_zone": "UTC",
            "channel": "push",
        },
        content_type="application/json",
    )
    assert api.status_code == 400
    assert "not offered here" in str(api.json())
    assert not ReminderSettings.objects.filter(patient=patient, channel="push").exists()
