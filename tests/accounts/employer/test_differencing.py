"""The differencing attack (issue 13, High): an employer admin uploads the roster without one
named person, reads the dashboard, uploads it back, reads again. No figure may move, for
everyone and for every relationship filter, on the page and in the API."""

from datetime import timedelta

import pytest
from django.core.files.base import ContentFile
from django.urls import reverse
from django.utils import timezone

from accounts.models import Enrolment, RosterEntry, RosterImport
from accounts.services.employer import activity_rollup_catch_up, last_closed_day
from accounts.services.rosters import roster_import_create, roster_import_process
from programs.models import Completion, ExerciseSession, ProgramTemplate
from programs.services.plans import plan_assign_template
from tests.conftest import client_for
from tests.factories import PatientFactory, roster_csv, roster_person

pytestmark = pytest.mark.django_db

EMPLOYEES = 35
SPOUSES = 15
ENROLLED = 18  # employees 0..17


def _people(*, without: int | None = None, extra: int = 0, spouse: tuple[int, ...] = ()) -> list:
    rows = []
    for n in range(EMPLOYEES + SPOUSES + extra):
        if n == without:
            continue
        relationship = "spouse" if n >= EMPLOYEES or n in spouse else "employee"
        if n >= EMPLOYEES + SPOUSES:
            relationship = "employee"
        rows.append(roster_person(n, relationship=relationship))
    return rows


def _upload(admin, rows: list) -> None:
    imp = roster_import_create(
        sponsor=admin.employer_profile.sponsor,
        file=ContentFile(roster_csv(rows), name="roster.csv"),
        uploaded_by=admin,
    )
    roster_import_process(import_id=imp.pk)
    imp.refresh_from_db()
    assert imp.status == RosterImport.Status.APPLIED, imp.status


def _closed_month():
    day = last_closed_day()
    return (day.replace(day=1) - timedelta(days=1)).replace(day=1)


@pytest.fixture
def sponsor_with_members(employer_admin, pt):
    """50 people covered since before last month; 18 employees enrolled and exercising in it."""
    _upload(employer_admin, _people())
    month = _closed_month()
    long_ago = timezone.make_aware(
        timezone.datetime.combine(month - timedelta(days=40), timezone.datetime.min.time())
    )
    RosterEntry.objects.update(created_at=long_ago, updated_at=long_ago)
    template = ProgramTemplate.objects.get(slug="psoas")
    entries = {e.member_id: e for e in RosterEntry.objects.all()}
    members = []
    for n in range(ENROLLED):
        patient = PatientFactory(password=None)
        Enrolment.objects.create(user=patient, roster_entry=entries[f"E{n:05d}"])
        members.append(patient)
    Enrolment.objects.update(enrolled_at=long_ago)
    version = plan_assign_template(
        therapist=pt, patient=members[0], template=template
    ).current_version
    item = version.items.select_related("exercise").first()
    sessions = ExerciseSession.objects.bulk_create(
        ExerciseSession(patient=p, plan_version=version, local_date=month + timedelta(days=d))
        for n, p in enumerate(members)
        for d in range(0, 20, 2 + n % 3)
    )
    Completion.objects.bulk_create(
        Completion(
            session=s,
            plan_item=item,
            exercise=item.exercise,
            pain=max(0, 8 - (s.local_date - month).days // 3),
            difficulty="about_right",
        )
        for s in sessions
    )
    activity_rollup_catch_up(until=last_closed_day())
    return members


QUERIES = ("", "?relationship=employee", "?relationship=spouse", "?relationship=child")


def _everything(client) -> dict:
    seen = {}
    for query in QUERIES:
        api = client.get(f"/api/v1/employer/dashboard/{query}").json()
        seen[("api", query)] = {f["key"]: (f["label"], f["shown"]) for f in api}
        page = client.get(reverse("employer:dashboard") + query).content.decode()
        main = page[page.index("<main") : page.index("</main>")]
        seen[("page", query)] = main
    return seen


def test_removing_or_adding_one_person_moves_no_figure(employer_admin, sponsor_with_members):
    client = client_for(employer_admin)
    before = _everything(client)
    # the figures are real, not all suppressed: the attack would have something to see
    everyone = before[("api", "")]
    assert everyone["enrolled"][1] == str(ENROLLED)
    assert everyone["covered"][1] == str(EMPLOYEES + SPOUSES)
    assert before[("api", "?relationship=employee")]["enrolled"][1] == str(ENROLLED)

    # when: the roster without one enrolled, active employee (by name), then back
    _upload(employer_admin, _people(without=5))
    assert _everything(client) == before
    _upload(employer_admin, _people())
    assert _everything(client) == before
    # when: one person added, and enrolled at once
    _upload(employer_admin, _people(extra=1))
    newcomer = RosterEntry.objects.get(member_id=f"E{EMPLOYEES + SPOUSES:05d}")
    Enrolment.objects.create(user=PatientFactory(password=None), roster_entry=newcomer)
    assert _everything(client) == before
    # when: the named person moved to another relationship (differencing by filter)
    _upload(employer_admin, _people(extra=1, spouse=(5,)))
    assert _everything(client) == before
    # when: the person's account is gone altogether (their month's activity included)
    Enrolment.objects.filter(roster_entry__member_id="E00005").delete()
    assert _everything(client) == before
    # and the month's activity is shown too (so it is among the figures that held)
    assert everyone["active_this_month"][1] == str(ENROLLED)
