"""The caseload: a fixed number of queries at any size; filter, search, sort, paginate."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from programs import outcomes_scoring
from programs.selectors.caseload import CASELOAD_PAGE_SIZE, caseload_for_user
from programs.services.alerts import alert_raise_red_flag, alerts_evaluate
from programs.services.outcomes import outcome_record
from programs.services.plans import plan_assign_template
from tests import factories
from tests.conftest import client_for
from tests.programs.history import add_day, days_ago, start_plan_on

pytestmark = pytest.mark.django_db


def _add_patients(pt, n: int, psoas) -> list:
    out = []
    for _ in range(n):
        p = factories.PatientFactory()
        factories.CareTeamLinkFactory(patient=p, therapist=pt)
        plan = plan_assign_template(therapist=pt, patient=p, template=psoas)
        add_day(p, plan, days_ago(p, 1), [3, 4])
        outcome_record(
            patient=p,
            measure="odi",
            answers={"sections": dict.fromkeys(outcomes_scoring.ODI_KEYS, 1)},
        )
        alert_raise_red_flag(patient_id=p.pk, source="intake")
        out.append(p)
    alerts_evaluate(patient_ids=[p.pk for p in out])
    return out


def _queries(pt) -> int:
    client = client_for(pt)
    client.get("/caseload/")  # session and user load settle
    with CaptureQueriesContext(connection) as ctx:
        assert client.get("/caseload/").status_code == 200
    return len(ctx.captured_queries)


def test_query_count_is_the_same_at_2_and_40_patients(pt, psoas):
    _add_patients(pt, 2, psoas)
    small = _queries(pt)
    _add_patients(pt, 38, psoas)
    assert _queries(pt) == small
    with CaptureQueriesContext(connection) as ctx:
        caseload = caseload_for_user(user=pt)
    assert len(ctx.captured_queries) == 4  # count, page ids, page rows, their open alerts
    assert len(caseload.rows) == CASELOAD_PAGE_SIZE
    assert caseload.page.paginator.num_pages == 2
    row = caseload.rows[0]
    assert row.summary.latest_pain == 4 and row.latest_odi is not None
    assert [a.kind for a in row.open_alerts] == ["red_flag"]


def test_filters_search_and_sort(pt, patient, plan, psoas):
    # patient: inactive for 10 days, high pain; a second patient: active, low pain, new
    start_plan_on(patient, plan, days_ago(patient, 30))
    add_day(patient, plan, days_ago(patient, 10), [8, 8])
    other = factories.PatientFactory(last_name="Zephyr")
    factories.CareTeamLinkFactory(patient=other, therapist=pt)
    other_plan = plan_assign_template(therapist=pt, patient=other, template=psoas)
    add_day(other, other_plan, days_ago(other, 0), [1, 1])
    alerts_evaluate(patient_ids=[patient.pk, other.pk])
    from datetime import timedelta

    from django.utils import timezone

    from accounts.models import CareTeamLink

    CareTeamLink.objects.filter(patient=patient).update(
        started_at=timezone.now() - timedelta(days=40)
    )

    def ids(**kwargs) -> list[int]:
        return [r.patient.pk for r in caseload_for_user(user=pt, **kwargs).rows]

    assert ids(show="alerts") == [patient.pk]  # inactive alert
    assert ids(show="inactive") == [patient.pk]
    assert ids(show="new") == [other.pk]
    assert ids(q="zeph") == [other.pk]
    assert ids(q=patient.email) == [patient.pk]
    assert ids(sort="last_activity") == [patient.pk, other.pk]
    assert ids(sort="alerts")[0] == patient.pk
    assert ids(show="nonsense", sort="nonsense") == ids()  # unknown values fall back
    page = client_for(pt).get("/caseload/?show=alerts&q=&sort=pain").content.decode()
    assert patient.last_name in page and "Zephyr" not in page
    # the last activity reads as a date for people, with the ISO date for machines
    last = days_ago(patient, 10)
    assert f'<time datetime="{last.isoformat()}">{last:%a} {last.day} {last:%b %Y}</time>' in page


def test_the_caseload_api_audits_each_patient_on_the_page(pt, psoas):
    from accounts.models import AuditEvent

    patients = _add_patients(pt, 3, psoas)
    response = client_for(pt).get("/api/v1/caseload/")
    assert response.status_code == 200
    events = AuditEvent.objects.filter(action="read", actor=pt, object_type="accounts.user")
    assert sorted((e.patient_id, e.object_id) for e in events) == sorted(
        (p.pk, str(p.pk)) for p in patients
    )
    assert {(e.actor_role, e.ip_address, e.request_id) for e in events} == {
        ("therapist", "127.0.0.1", response["X-Request-ID"])
    }
