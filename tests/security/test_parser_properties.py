"""Property tests for the parsers that exist today: dates of birth and time zones.
(Roster CSV and dosage parsers arrive with their branches and bring their own.)"""

import zoneinfo
from datetime import date, timedelta

from django.core.exceptions import ValidationError
from django.utils import timezone
from hypothesis import given, settings
from hypothesis import strategies as st

from accounts.apis import SignUpApi
from accounts.forms.people import PatientProfileForm
from accounts.models import validate_date_of_birth, validate_time_zone

ZONES = sorted(zoneinfo.available_timezones())
TODAY = timezone.localdate()
BASE = {
    "email": "someone@example.test",
    "password": "a-long-enough-passphrase-3",
    "first_name": "Sam",
    "last_name": "Lee",
    "time_zone": "Europe/Madrid",
}


@given(st.dates(min_value=date(1900, 1, 1), max_value=TODAY - timedelta(days=1)))
def test_every_past_date_since_1900_is_a_valid_birth_date(value: date):
    validate_date_of_birth(value)


@given(
    st.dates(min_value=date(1, 1, 1), max_value=date(1899, 12, 31))
    | st.dates(min_value=TODAY + timedelta(days=2))
)
def test_birth_dates_before_1900_or_in_the_future_are_refused(value: date):
    try:
        validate_date_of_birth(value)
    except ValidationError as exc:
        assert exc.code in {"future", "too_old"}
    else:
        raise AssertionError(f"{value} was accepted")


@given(st.text(max_size=40))
@settings(max_examples=300)
def test_the_api_reads_any_date_text_as_iso_or_refuses_it_cleanly(text: str):
    data = SignUpApi.SignUpInput(data={**BASE, "date_of_birth": text})
    try:
        expected = date.fromisoformat(text)
        iso = len(text) == 10 and text[4] == "-" and text[7] == "-"
    except ValueError:
        expected, iso = None, False
    if data.is_valid():
        assert iso and data.validated_data["date_of_birth"] == expected
    else:
        assert "date_of_birth" in data.errors


@given(st.sampled_from(ZONES))
def test_every_known_time_zone_is_accepted(name: str):
    validate_time_zone(name)


@given(st.text(max_size=64))
@settings(max_examples=300)
def test_a_time_zone_is_accepted_exactly_when_it_is_a_known_name(name: str):
    try:
        validate_time_zone(name)
    except ValidationError:
        assert name not in ZONES
    else:
        assert name in ZONES
        assert zoneinfo.ZoneInfo(name) is not None


@given(
    st.sampled_from(["../../etc/passwd", "/etc/localtime", "UTC/../UTC", "America/../../x"])
    | st.builds(lambda a, b: f"{a}/../{b}", st.sampled_from(ZONES), st.sampled_from(ZONES))
)
def test_path_traversal_is_never_a_time_zone(name: str):
    try:
        validate_time_zone(name)
    except ValidationError:
        return
    raise AssertionError(f"{name!r} was accepted")


@given(
    st.fixed_dictionaries(
        {
            "first_name": st.text(max_size=200),
            "last_name": st.text(max_size=200),
            "date_of_birth": st.text(max_size=20),
            "phone": st.text(max_size=50),
            "state": st.text(max_size=5),
            "time_zone": st.text(max_size=80),
            "preferred_language": st.text(max_size=5),
        }
    )
)
@settings(max_examples=200)
def test_the_profile_form_never_crashes_and_keeps_types(data: dict):
    form = PatientProfileForm(data)
    if form.is_valid():
        assert isinstance(form.cleaned_data["date_of_birth"], date)
        assert len(form.cleaned_data["first_name"]) <= 150
    else:
        assert form.errors


def test_today_is_a_valid_birth_date_in_the_server_zone():
    validate_date_of_birth(timezone.localdate())
