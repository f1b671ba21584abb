"""The PT's caseload with 5,000 patients and a year of sessions each.

Goals (issue 5): the caseload page's query count is the same at 50 and 5,000 patients; its
median server time at 5,000 is at most 1.5x that at 50; a naive version that queries per
patient is at least 20x slower than ours at 1,000. Also reported: our API against a bare view
doing the same database work with .values() (at most 2.0x), and the sweep that keeps the
caseload summary rows current.
Size: BENCH_CASELOAD_SIZE (default 5,000; 400 in smoke mode).
"""

import time
from collections.abc import Callable
from datetime import timedelta

from django.db import connection
from django.test import override_settings
from django.utils import timezone

from bench.harness import (
    Outcome,
    count_queries,
    logged_in_client,
    median_seconds,
    ok,
    report,
    sessions_history_insert,
    size,
)

# isort: split
# The project's services and tasks this benchmark drives, in one place: update these lines when
# they move (bench/run.py sets Django up before importing a benchmark).
from programs.services.alerts import alerts_evaluate
from programs.tasks import SWEEP_BATCH

BIG = size("BENCH_CASELOAD_SIZE", full=5000, smoke_size=400)
SMALL = 50
NAIVE_AT = min(1000, BIG // 2)


def _seed_patients(*, therapist: object, n: int, prefix: str) -> list[int]:
    """n patients on the psoas plan for a year: ~70% of days exercised, 2 exercises a day,
    an ODI every 4 weeks, an urgent alert for one in seven. Set-based SQL, not the ORM loop."""
    from datetime import date

    from accounts.models import CareTeamLink, PatientProfile, User
    from programs.models import Alert, Plan, PlanItem, PlanVersion, ProgramTemplate

    now = timezone.now()
    year_ago = now - timedelta(days=365)
    psoas = ProgramTemplate.objects.get(slug="psoas")
    template_items = list(psoas.items.all())
    users = User.objects.bulk_create(
        [
            User(
                email=f"{prefix}{i}@bench.test",
                first_name=f"First{i}",
                last_name=f"Last{i:05d}",
                role=User.Role.PATIENT,
                password="!",  # noqa: S106 - unusable: no Argon2 for thousands of rows
            )
            for i in range(n)
        ],
        batch_size=2000,
    )
    ids = [u.pk for u in users]
    PatientProfile.objects.bulk_create(
        [PatientProfile(user=u, date_of_birth=date(1980, 1, 1)) for u in users], batch_size=2000
    )
    CareTeamLink.objects.bulk_create(
        [CareTeamLink(patient=u, therapist=therapist, started_at=year_ago) for u in users],
        batch_size=2000,
    )
    plans = Plan.objects.bulk_create(
        [Plan(patient=u, template=psoas, created_at=year_ago) for u in users], batch_size=2000
    )
    versions = PlanVersion.objects.bulk_create(
        [
            PlanVersion(
                plan=p,
                number=1,
                created_by=therapist,
                created_at=year_ago,
                seen_by_patient_at=year_ago,
            )
            for p in plans
        ],
        batch_size=2000,
    )
    PlanItem.objects.bulk_create(
        [
            PlanItem(
                version=v,
                exercise_id=t.exercise_id,
                order=t.order,
                sets=t.sets,
                reps=t.reps,
                hold_seconds=t.hold_seconds,
                per_side=t.per_side,
                sessions_per_week=t.sessions_per_week,
            )
            for v in versions
            for t in template_items
        ],
        batch_size=5000,
    )
    today = timezone.localdate()
    with connection.cursor() as cur:
        sessions_history_insert(cur, ids, today - timedelta(days=365), today - timedelta(days=1))
        cur.execute(
            "INSERT INTO programs_completion "
            "(session_id, plan_item_id, exercise_id, pain, difficulty, completed_at) "
            "SELECT s.id, i.id, i.exercise_id, abs(hashtext(s.id::text || i.id::text)) %% 8, "
            "'about_right', s.started_at + interval '5 minutes' "
            "FROM programs_exercisesession s JOIN programs_planitem i "
            'ON i.version_id = s.plan_version_id AND i."order" <= 2 '
            "WHERE s.patient_id = ANY(%s)",
            [ids],
        )
        cur.execute(
            "INSERT INTO programs_outcomeresponse "
            "(patient_id, measure, answered_at, local_date, score, answers) "
            "SELECT u, 'odi', d, d::date, 10 + abs(hashtext(u::text || d::text)) %% 50, "
            "'{}'::jsonb FROM unnest(%s::int[]) u "
            "CROSS JOIN generate_series(%s::timestamptz, %s::timestamptz, interval '28 days') d",
            [ids, year_ago, now],
        )
    Alert.objects.bulk_create(
        [
            Alert(
                patient_id=pid,
                therapist=therapist,
                kind=Alert.Kind.RED_FLAG,
                severity=Alert.Severity.URGENT,
                details={"source": "bench"},
                therapist_notified_at=now,
            )
            for pid in ids[::7]
        ]
    )
    return ids


def _count_every_query(fn: Callable[[], object]) -> int:
    count = 0

    def counting(execute: Callable, sql: str, params: object, many: bool, context: dict) -> object:
        nonlocal count
        count += 1
        return execute(sql, params, many, context)

    with connection.execute_wrapper(counting):
        fn()
    return count


@override_settings(ROOT_URLCONF="bench.urls")
def run() -> Outcome:
    from accounts.models import CareTeamLink
    from programs.models import Completion
    from tests.factories import TherapistFactory

    small_pt, big_pt, naive_pt = TherapistFactory(), TherapistFactory(), TherapistFactory()
    started = time.perf_counter()
    small_ids = _seed_patients(therapist=small_pt, n=SMALL, prefix="small")
    big_ids = _seed_patients(therapist=big_pt, n=BIG, prefix="big")
    # the naive comparison: a third PT sharing (non-primary) 1,000 of the big caseload
    CareTeamLink.objects.bulk_create(
        [
            CareTeamLink(patient_id=pid, therapist=naive_pt, is_primary=False)
            for pid in big_ids[:NAIVE_AT]
        ]
    )
    with connection.cursor() as cur:
        cur.execute("ANALYZE")
    seed_seconds = time.perf_counter() - started

    all_ids = small_ids + big_ids
    started = time.perf_counter()
    for i in range(0, len(all_ids), SWEEP_BATCH):
        alerts_evaluate(patient_ids=all_ids[i : i + SWEEP_BATCH])
    sweep_seconds = time.perf_counter() - started
    with connection.cursor() as cur:
        cur.execute("ANALYZE")

    clients = {
        name: logged_in_client(user)
        for name, user in (("small", small_pt), ("big", big_pt), ("naive", naive_pt))
    }

    def page(name: str):
        return lambda: clients[name].get("/caseload/")

    def api(name: str):
        return lambda: clients[name].get("/api/v1/caseload/")

    for name in clients:
        ok(clients[name].get("/caseload/"))
        ok(clients[name].get("/api/v1/caseload/"))
    ok(clients["big"].get("/bench/caseload/"))
    ok(clients["naive"].get("/bench/caseload-naive/"))
    queries = {
        "page_small": count_queries(page("small")),
        "page_big": count_queries(page("big")),
        "api_small": count_queries(api("small")),
        "api_big": count_queries(api("big")),
        "api_big_filtered": count_queries(
            lambda: ok(clients["big"].get("/api/v1/caseload/?show=alerts&sort=pain&q=last0&page=2"))
        ),
    }
    page_small = median_seconds(page("small"), repeat=60)
    page_big = median_seconds(page("big"), repeat=60)
    api_big = median_seconds(api("big"), repeat=60)
    floor_big = median_seconds(lambda: clients["big"].get("/bench/caseload/"), repeat=60)
    api_naive_pt = median_seconds(api("naive"), repeat=30)
    # the naive view takes tens of seconds: two timed runs, queries counted without the
    # debug log (it keeps only the last 9,000)
    naive_queries = _count_every_query(lambda: clients["naive"].get("/bench/caseload-naive/"))
    naive = median_seconds(
        lambda: clients["naive"].get("/bench/caseload-naive/"), repeat=2, warmup=0
    )

    page_ratio = page_big / page_small
    floor_ratio = api_big / floor_big
    naive_ratio = naive / api_naive_pt
    return report(
        "caseload",
        {
            "patients": len(all_ids),
            "completions": Completion.objects.count(),
            "seed_seconds": round(seed_seconds, 1),
            "sweep_seconds_all_patients": round(sweep_seconds, 1),
            "sweep_ms_per_patient": round(1000 * sweep_seconds / len(all_ids), 2),
            **{f"queries_{k}": v for k, v in queries.items()},
            f"page_median_ms_at_{SMALL}": round(page_small * 1000, 2),
            f"page_median_ms_at_{BIG}": round(page_big * 1000, 2),
            f"ratio_page_{BIG}_to_{SMALL}": round(page_ratio, 2),
            f"api_median_ms_at_{BIG}": round(api_big * 1000, 2),
            f"floor_median_ms_at_{BIG}": round(floor_big * 1000, 2),
            "ratio_api_to_floor": round(floor_ratio, 2),
            f"api_median_ms_at_{NAIVE_AT}": round(api_naive_pt * 1000, 2),
            f"naive_median_ms_at_{NAIVE_AT}": round(naive * 1000, 1),
            f"naive_queries_at_{NAIVE_AT}": naive_queries,
            "ratio_naive_to_ours": round(naive_ratio, 1),
        },
        {
            f"page query count the same at {SMALL} and {BIG} patients": queries["page_small"]
            == queries["page_big"],
            "API query count the same at any size, filters and page": len(
                {queries["api_small"], queries["api_big"], queries["api_big_filtered"]}
            )
            == 1,
        },
        timing={
            f"page median at {BIG} at most 1.5x that at {SMALL}": page_ratio <= 1.5,
            f"naive per-patient version at least 20x slower at {NAIVE_AT}": naive_ratio >= 20,
            "API at most 2.0x a bare view doing the same work with .values()": floor_ratio <= 2.0,
        },
    )
