"""Video visits: access by the whole cast, booking rules, cancel, reschedule, time zones."""

import re
import threading
import zoneinfo
from datetime import UTC, datetime, timedelta

import pytest
from django.db import IntegrityError, connection, transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from programs.forms.visits import SlotForm
from programs.models import Visit, VisitReminder
from programs.selectors.visits import open_slots_for_therapist, slots_by_local_day
from programs.services.visits import visit_book, visit_cancel, visit_reschedule
from tests import factories
from tests.conftest import client_for
from tests.programs.visits.visit_setup import LA, NY, a_slot, open_every_day
from therapy.errors import ApplicationError
from therapy.when import clock


def _iso(instant: datetime) -> str:
    return instant.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


@pytest.mark.django_db
def test_patient_books_through_the_page_and_sees_the_join_link(settings, pt, patient):
    settings.VIDEO_PROVIDER_BASE_URL = "https://video.example.test/"
    open_every_day(pt)
    client = client_for(patient)
    page = client.get(reverse("programs:visits")).content.decode()
    slot = a_slot(pt, after=timedelta(days=2))
    assert f'value="{_iso(slot)}"' in page
    response = client.post(reverse("programs:visit-book"), {"starts_at": _iso(slot)})
    assert response.status_code == 302
    visit = Visit.objects.get()
    assert (visit.patient, visit.therapist, visit.starts_at) == (patient, pt, slot)
    assert visit.ends_at - visit.starts_at == timedelta(minutes=30)
    assert len(visit.room_name) > 30  # psoas-care- + 24 url-safe characters
    page = client.get(reverse("programs:visits")).content.decode()
    assert f'href="https://video.example.test/{visit.room_name}"' in page
    # the booked slot is no longer offered
    assert f'value="{_iso(slot)}"' not in page
    # both get a 24 h and a 1 h reminder row (only the 1 h ones for a visit under a day away)
    assert VisitReminder.objects.filter(visit=visit).count() == 4
    soon = visit_book(patient=patient, booked_by=patient, starts_at=a_slot(pt))
    assert set(VisitReminder.objects.filter(visit=soon).values_list("lead", flat=True)) == {"1h"}


@pytest.mark.django_db
def test_the_default_video_provider_is_jitsi(pt, patient):
    open_every_day(pt)
    visit = visit_book(patient=patient, booked_by=patient, starts_at=a_slot(pt))
    assert visit.join_url.startswith("https://meet.jit.si/psoas-care-")


@pytest.mark.django_db
def test_visits_are_reached_only_by_their_patient_and_caseload_pt(
    pt, pt2, patient, patient2, employer_admin, staff
):
    open_every_day(pt)
    visit = visit_book(patient=patient, booked_by=patient, starts_at=a_slot(pt))
    urls = [
        reverse("programs:visit-reschedule", args=[visit.pk]),
        f"/api/v1/visits/{visit.pk}/",
    ]
    for user in (patient, pt):
        client = client_for(user)
        for url in urls:
            assert client.get(url).status_code == 200, (user, url)
        assert visit.room_name in client.get(reverse("programs:visits")).content.decode()
        assert [v["id"] for v in client.get("/api/v1/visits/").json()] == [visit.pk]
    for user in (patient2, pt2, employer_admin, staff):
        client = client_for(user)
        for url in urls:
            assert client.get(url).status_code == 404, (user, url)
        assert client.post(reverse("programs:visit-cancel", args=[visit.pk])).status_code == 404
        assert client.post(f"/api/v1/visits/{visit.pk}/cancel/").status_code == 404
        if user.is_patient or user.is_therapist:
            assert visit.room_name not in client.get(reverse("programs:visits")).content.decode()
            assert client.get("/api/v1/visits/").json() == []
        else:
            assert client.get(reverse("programs:visits")).status_code == 404
            assert client.get("/api/v1/visits/").status_code == 404
    anonymous = client_for(None)
    assert anonymous.get(reverse("programs:visits")).status_code == 302
    assert anonymous.get(f"/api/v1/visits/{visit.pk}/").status_code in (401, 403)
    visit.refresh_from_db()
    assert visit.status == Visit.Status.BOOKED
    # the PT's patient page shows the visit with its id for notes to link to; not another PT's
    detail = client_for(pt).get(reverse("patient-detail", args=[patient.pk])).content.decode()
    assert f'data-visit-id="{visit.pk}"' in detail


@pytest.mark.django_db
def test_a_taken_a_past_and_a_made_up_time_are_refused_clearly(pt, patient):
    open_every_day(pt)
    other = factories.PatientFactory()
    factories.CareTeamLinkFactory(patient=other, therapist=pt)
    slot = a_slot(pt)
    visit_book(patient=other, booked_by=other, starts_at=slot)
    client = client_for(patient)
    cases = {
        _iso(slot): "not open for booking",
        _iso(timezone.now() - timedelta(hours=1)): "already passed",
        _iso(slot + timedelta(minutes=7)): "not open for booking",
        "next tuesday": "Choose one of the open times",
    }
    for value, text in cases.items():
        response = client.post("/api/v1/visits/", {"starts_at": value}, "application/json")
        assert response.status_code == 400, value
        assert "starts_at" in response.json()["errors"], value
        page = client.post(reverse("programs:visit-book"), {"starts_at": value})
        assert page.status_code == 400
        if value != "next tuesday":
            assert text in " ".join(response.json()["errors"]["starts_at"])
    assert text in page.content.decode() or "Choose one of the open times" in page.content.decode()
    assert Visit.objects.count() == 1
    assert VisitReminder.objects.filter(recipient=patient).count() == 0


@pytest.mark.django_db
def test_the_database_refuses_a_second_live_visit_in_one_slot(pt, patient):
    open_every_day(pt)
    visit = visit_book(patient=patient, booked_by=patient, starts_at=a_slot(pt))
    other = factories.PatientFactory()
    with pytest.raises(IntegrityError), transaction.atomic():
        Visit.objects.create(
            patient=other,
            therapist=pt,
            starts_at=visit.starts_at,
            ends_at=visit.ends_at,
            booked_by=other,
            room_name="another-room",
        )
    # a cancelled visit frees its slot
    visit_cancel(visit=visit, by=patient)
    again = visit_book(patient=patient, booked_by=patient, starts_at=visit.starts_at)
    assert again.status == Visit.Status.BOOKED


@pytest.mark.django_db(transaction=True)
def test_two_concurrent_bookings_of_one_slot_one_wins(pt, patient):
    # given: two patients of the same PT and one open slot
    open_every_day(pt)
    other = factories.PatientFactory()
    factories.CareTeamLinkFactory(patient=other, therapist=pt)
    slot = a_slot(pt)
    first_inserted, second_started = threading.Event(), threading.Event()
    outcome: dict[str, object] = {}

    def first() -> None:
        # Holds its uncommitted booking open while the second one checks and inserts.
        try:
            with transaction.atomic():
                outcome["first"] = visit_book(patient=patient, booked_by=patient, starts_at=slot)
                first_inserted.set()
                second_started.wait(5)
                threading.Event().wait(0.5)
        finally:
            connection.close()

    def second() -> None:
        first_inserted.wait(5)
        second_started.set()
        try:
            outcome["second"] = visit_book(patient=other, booked_by=other, starts_at=slot)
        except ApplicationError as exc:
            outcome["second"] = exc
        finally:
            connection.close()

    threads = [threading.Thread(target=first), threading.Thread(target=second)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(15)
    # then: the second passed the availability check (the first had not committed) and the
    # unique index made it wait, then refused it
    assert isinstance(outcome["first"], Visit)
    refused = outcome["second"]
    assert isinstance(refused, ApplicationError)
    assert "Someone has just booked that time" in refused.errors["starts_at"][0]
    assert list(Visit.objects.values_list("patient_id", flat=True)) == [patient.pk]
    assert not VisitReminder.objects.filter(recipient=other).exists()


@pytest.mark.django_db(transaction=True)
def test_many_simultaneous_bookings_of_one_slot_leave_exactly_one_visit(pt):
    open_every_day(pt)
    patients = []
    for _ in range(6):
        p = factories.PatientFactory()
        factories.CareTeamLinkFactory(patient=p, therapist=pt)
        patients.append(p)
    slot = a_slot(pt)
    barrier = threading.Barrier(len(patients))
    results: list[object] = []

    def book(p) -> None:
        barrier.wait(5)
        try:
            results.append(visit_book(patient=p, booked_by=p, starts_at=slot))
        except ApplicationError as exc:
            results.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=book, args=(p,)) for p in patients]
    for t in threads:
        t.start()
    for t in threads:
        t.join(15)
    assert sum(isinstance(r, Visit) for r in results) == 1
    assert sum(isinstance(r, ApplicationError) for r in results) == len(patients) - 1
    assert Visit.objects.filter(starts_at=slot, status=Visit.Status.BOOKED).count() == 1


@pytest.mark.django_db
def test_both_can_cancel_and_reschedule(pt, patient):
    open_every_day(pt)
    visit = visit_book(patient=patient, booked_by=patient, starts_at=a_slot(pt))
    later = a_slot(pt, after=timedelta(days=2))
    # the PT moves it through the page
    response = client_for(pt).post(
        reverse("programs:visit-reschedule", args=[visit.pk]), {"starts_at": _iso(later)}
    )
    assert response.status_code == 302
    visit.refresh_from_db()
    assert visit.status == Visit.Status.RESCHEDULED
    moved = visit.rescheduled_to
    assert (moved.starts_at, moved.status) == (later, Visit.Status.BOOKED)
    assert moved.room_name != visit.room_name
    # the patient moves it again through the API, then cancels it
    even_later = a_slot(pt, after=timedelta(days=3))
    response = client_for(patient).post(
        f"/api/v1/visits/{moved.pk}/reschedule/",
        {"starts_at": _iso(even_later)},
        "application/json",
    )
    assert response.status_code == 201
    newest = Visit.objects.get(pk=response.json()["id"])
    assert response.json()["rescheduled_from_id"] == moved.pk
    response = client_for(patient).post(f"/api/v1/visits/{newest.pk}/cancel/")
    assert response.status_code == 200
    assert response.json()["status"] == "cancelled"
    assert response.json()["join_url"] is None
    # cancelling twice is a clear error; so is moving a cancelled visit
    response = client_for(pt).post(f"/api/v1/visits/{newest.pk}/cancel/")
    assert response.status_code == 400
    assert "already cancelled" in response.json()["detail"]
    with pytest.raises(ApplicationError):
        visit_reschedule(visit=newest, by=pt, starts_at=later)
    assert Visit.objects.filter(status=Visit.Status.BOOKED).count() == 0


@pytest.mark.django_db
def test_a_failed_reschedule_keeps_the_original_visit(pt, patient):
    open_every_day(pt)
    visit = visit_book(patient=patient, booked_by=patient, starts_at=a_slot(pt))
    response = client_for(patient).post(
        f"/api/v1/visits/{visit.pk}/reschedule/",
        {"starts_at": _iso(visit.starts_at + timedelta(minutes=5))},
        "application/json",
    )
    assert response.status_code == 400
    visit.refresh_from_db()
    assert visit.status == Visit.Status.BOOKED
    assert Visit.objects.count() == 1


def _next_us_dst_change(after: datetime) -> datetime:
    zone = zoneinfo.ZoneInfo(NY)
    day = after
    offset = day.astimezone(zone).utcoffset()
    while day.astimezone(zone).utcoffset() == offset:
        day += timedelta(days=1)
    return day


@pytest.mark.django_db
def test_each_reads_a_visit_across_a_dst_change_in_their_own_zone(pt, patient):
    # given: a PT in Los Angeles, a patient in New York, visits at 09:00 PT the Monday before
    # and the Monday after the next US daylight-saving change
    open_every_day(pt)
    change = _next_us_dst_change(timezone.now())
    la = zoneinfo.ZoneInfo(LA)
    change_day = change.astimezone(la).date()
    mondays = [
        change_day - timedelta(days=change_day.weekday() + 7),
        change_day + timedelta(days=7 - change_day.weekday()),
    ]
    visits = []
    for monday in mondays:
        start = datetime(monday.year, monday.month, monday.day, 9, 0, tzinfo=la)
        visits.append(
            Visit.objects.create(
                patient=patient,
                therapist=pt,
                starts_at=start,
                ends_at=start + timedelta(minutes=30),
                booked_by=patient,
                room_name=f"room-{monday}",
            )
        )
    before, after = visits
    assert after.starts_at.astimezone(UTC).hour != before.starts_at.astimezone(UTC).hour
    patient_page = client_for(patient).get(reverse("programs:visits")).content.decode()
    pt_page = client_for(pt).get(reverse("programs:visits")).content.decode()
    for visit in visits:
        ny_local = visit.starts_at.astimezone(zoneinfo.ZoneInfo(NY))
        assert ny_local.hour == 12
        assert f"{ny_local:%a} {ny_local.day} {ny_local:%b}" in patient_page
        assert f"12:00 pm {ny_local.tzname()}" in patient_page
        la_local = visit.starts_at.astimezone(la)
        assert f"9:00 am {la_local.tzname()}" in pt_page
    # the abbreviations name the zone in effect on each date
    assert {"EST", "EDT"} <= set(re.findall(r"\b(E[SD]T)\b", patient_page))
    assert {"PST", "PDT"} <= set(re.findall(r"\b(P[SD]T)\b", pt_page))
    # the patient's API answers UTC instants, and slots come labelled in the patient's zone
    api = client_for(patient).get("/api/v1/visits/slots/").json()
    assert api["time_zone"] == NY
    first = api["slots"][0]
    local = datetime.fromisoformat(first["starts_at"]).astimezone(zoneinfo.ZoneInfo(NY))
    assert first["local_label"].endswith(f"{clock(local)} {local.tzname()}")  # "9:00 am EST"


@pytest.mark.django_db
def test_the_pt_marks_a_started_visit_completed_for_a_note_to_follow(pt, patient):
    start = timezone.now() - timedelta(minutes=40)
    visit = Visit.objects.create(
        patient=patient,
        therapist=pt,
        starts_at=start,
        ends_at=start + timedelta(minutes=30),
        booked_by=patient,
        room_name="room-past",
    )
    # the patient cannot mark it; the PT can, from the patient's page
    assert (
        client_for(patient).post(reverse("programs:visit-complete", args=[visit.pk])).status_code
        == 302
    )
    visit.refresh_from_db()
    assert visit.status == Visit.Status.BOOKED
    response = client_for(pt).post(
        reverse("programs:visit-complete", args=[visit.pk]), {"back_to": "patient"}
    )
    assert response["Location"] == reverse("patient-detail", args=[patient.pk])
    visit.refresh_from_db()
    assert visit.status == Visit.Status.COMPLETED
    detail = client_for(pt).get(reverse("patient-detail", args=[patient.pk])).content.decode()
    assert f'data-visit-id="{visit.pk}"' in detail
    assert "Completed" in detail


@pytest.mark.django_db
def test_pt_edits_availability_on_the_page_and_bad_windows_are_refused(pt, patient2):
    client = client_for(pt)
    assert client.get(reverse("programs:visits")).status_code == 200
    add = reverse("programs:availability-add")
    assert (
        client.post(add, {"weekday": 0, "starts_at": "09:00", "ends_at": "12:00"}).status_code
        == 302
    )
    page = client.post(add, {"weekday": 0, "starts_at": "11:00", "ends_at": "13:00"})
    assert page.status_code == 400
    assert "cannot overlap" in page.content.decode()
    page = client.post(add, {"weekday": 2, "starts_at": "13:00", "ends_at": "12:00"})
    assert "must end after it starts" in page.content.decode()
    page = client.post(add, {"weekday": 9, "starts_at": "13:00", "ends_at": "14:00"})
    assert page.status_code == 400
    response = client.post(reverse("programs:availability-length"), {"visit_minutes": 45})
    assert response.status_code == 302
    data = client.get("/api/v1/visits/availability/").json()
    assert data["visit_minutes"] == 45
    assert data["windows"] == [{"weekday": 0, "starts_at": "09:00", "ends_at": "12:00"}]
    # the API replaces the whole set, with the same checks
    bad = client.put(
        "/api/v1/visits/availability/",
        {
            "visit_minutes": 30,
            "windows": [{"weekday": 1, "starts_at": "10:00", "ends_at": "10:15"}],
        },
        "application/json",
    )
    assert bad.status_code == 400
    assert "ends_at" in bad.json()["errors"]
    assert client.get("/api/v1/visits/availability/").json()["visit_minutes"] == 45
    good = client.put(
        "/api/v1/visits/availability/",
        {
            "visit_minutes": 30,
            "windows": [{"weekday": 1, "starts_at": "10:00", "ends_at": "11:00"}],
        },
        "application/json",
    )
    assert good.status_code == 200
    assert good.json()["windows"] == [{"weekday": 1, "starts_at": "10:00", "ends_at": "11:00"}]
    assert client.post(reverse("programs:availability-remove", args=[0])).status_code == 302
    assert client.get("/api/v1/visits/availability/").json()["windows"] == []
    # patients cannot edit availability
    assert client_for(patient2).get("/api/v1/visits/availability/").status_code == 404
    assert (
        client_for(patient2)
        .post(add, {"weekday": 0, "starts_at": "09:00", "ends_at": "10:00"})
        .status_code
        == 404
    )


@pytest.mark.django_db
def test_booking_shows_the_open_times_as_a_grid_of_buttons_per_day(pt, patient):
    # given: the PT is open every day (the patient reads New York time)
    open_every_day(pt)
    # when
    html = client_for(patient).get(reverse("programs:visits")).content.decode()
    # then: no drop-down of every time, but a group per day of radio buttons, each named in full
    assert "<select" not in html
    days = re.findall(r'<fieldset>\s*<legend class="visually-hidden">([^<]+)</legend>', html)
    assert len(days) >= 5
    buttons = re.findall(
        r'<input type="radio" name="starts_at" value="([^"]+)"><span aria-hidden="true">'
        r'(\d{1,2}:\d\d [ap]m E[SD]T)</span><span class="visually-hidden">([^<]+)</span>',
        html,
    )
    assert buttons
    value, short, full = buttons[0]
    assert (
        value.endswith("Z") and full.endswith(short) and full.startswith(days[0].rsplit(" ", 1)[0])
    )


def _days(html: str) -> list[tuple[bool, str, str]]:
    """(open, the day's summary, its checked value or "") of each day of the slot grid."""
    days = re.findall(
        r'<details class="slot-day"( open)?>\s*<summary>(.+?)</summary>(.+?)</details>', html, re.S
    )
    out = []
    for is_open, summary, body in days:
        checked = re.search(r'value="([^"]+)" checked', body)
        out.append(
            (
                bool(is_open),
                " ".join(re.sub("<[^>]+>", " ", summary).split()),
                checked.group(1) if checked else "",
            )
        )
    return out


@pytest.mark.django_db
def test_booking_opens_one_day_at_a_time_so_a_phone_reaches_the_button(pt, patient):
    # Defect: every open time of the next weeks was listed at once (16 a day for 15 days: a
    # page 8,000 px tall on a phone before the "Book this visit" button).
    open_every_day(pt)
    html = client_for(patient).get(reverse("programs:visits")).content.decode()
    days = _days(html)
    assert len(days) >= 5
    # then: the first day is open, every later one is a line naming the day and its count
    assert [is_open for is_open, _, _ in days] == [True] + [False] * (len(days) - 1)
    first = re.search(r'<details class="slot-day" open>(.+?)</details>', html, re.S).group(1)
    count = len(re.findall(r'type="radio"', first))
    assert days[0][1].endswith(f"{count} open times")
    assert all(re.search(r"\d+ open times?$", summary) for _, summary, _ in days)


@pytest.mark.django_db
def test_the_grid_opens_the_day_of_the_time_the_form_holds(pt, patient):
    # given: a form holding a time on the third day (as when the page is shown again with
    # the patient's choice)
    open_every_day(pt)
    html = client_for(patient).get(reverse("programs:visits")).content.decode()
    third = re.findall(r'<details class="slot-day"(?: open)?>(.+?)</details>', html, re.S)[2]
    value = re.search(r'name="starts_at" value="([^"]+)"', third).group(1)
    groups = slots_by_local_day(
        slots=open_slots_for_therapist(therapist=pt, patient=patient), time_zone=NY
    )
    form = SlotForm({"starts_at": value}, slot_groups=groups)
    # when
    days = _days(render_to_string("programs/visits/_slot_grid.html", {"form": form}))
    # then: that day is open with the time checked, and only that day
    assert [is_open for is_open, _, _ in days] == [i == 2 for i in range(len(days))]
    assert days[2][2] == value


@pytest.mark.django_db
def test_the_visits_pages_name_a_visit_by_its_time_and_the_zone_as_people_say_it(pt, patient):
    # Defect: the card said "Visit number 12" and the page "Times are shown in your time zone,
    # America/New_York".
    open_every_day(pt)
    visit = visit_book(patient=patient, booked_by=patient, starts_at=a_slot(pt))
    local = visit.starts_at.astimezone(zoneinfo.ZoneInfo(NY))
    clock = f"{local.hour % 12 or 12}:{local:%M} {'am' if local.hour < 12 else 'pm'}"
    label = f"{local:%a} {local.day} {local:%b}, {clock} {local.tzname()}"
    patient_page = client_for(patient).get(reverse("programs:visits")).content.decode()
    assert "Visit number" not in patient_page
    assert "America/New_York" not in patient_page.replace('value="America/New_York"', "")
    assert f"Eastern Time ({local.tzname()})" in patient_page
    assert label in patient_page
    assert f'Cancel visit<span class="visually-hidden"> on {label}</span>' in patient_page
    pt_page = client_for(pt).get(reverse("programs:visits")).content.decode()
    assert "America/Los_Angeles" not in pt_page and "Pacific Time (P" in pt_page
    detail = client_for(pt).get(reverse("patient-detail", args=[patient.pk])).content.decode()
    assert f"Visit {visit.pk}<" not in detail and "Pacific Time (P" in detail
    # the time-change page too
    page = client_for(patient).get(reverse("programs:visit-reschedule", args=[visit.pk]))
    assert label in page.content.decode() and "America/" not in page.content.decode()


@pytest.mark.django_db
def test_the_join_link_of_an_invitation_needs_sign_in_and_a_participant(
    settings, pt, pt2, patient, patient2
):
    settings.VIDEO_PROVIDER_BASE_URL = "https://video.example.test/"
    open_every_day(pt)
    visit = visit_book(patient=patient, booked_by=patient, starts_at=a_slot(pt))
    url = reverse("programs:visit-join", args=[visit.pk])
    # anyone holding the link from a calendar is sent to sign in first
    response = client_for(None).get(url)
    assert response.status_code == 302 and response["Location"].startswith("/accounts/login/")
    # neither another patient nor another PT learns the room
    assert client_for(patient2).get(url).status_code == 404
    assert client_for(pt2).get(url).status_code == 404
    # the two participants are sent on to the room
    for user in (patient, pt):
        response = client_for(user).get(url)
        assert response.status_code == 302
        assert response["Location"] == f"https://video.example.test/{visit.room_name}"
    # once cancelled, the link leads back to the visits page, not the room
    visit_cancel(visit=visit, by=patient)
    response = client_for(patient).get(url)
    assert response.status_code == 302
    assert response["Location"] == f"{reverse('programs:visits')}#visit-{visit.pk}"
