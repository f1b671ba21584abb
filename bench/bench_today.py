"""The patient's Today page and today-plan API: queries flat in plan size and history; the API's
median server time against a bare Django view returning the same rows with .values().

Goals: the query counts do not grow from 3 to 30 exercises or from 0 to 365 days of sessions;
the API is at most 2.0x the floor view (a timing goal, not enforced in smoke mode).
"""

import random
from datetime import timedelta

from django.test import override_settings

from bench.harness import Outcome, count_queries, logged_in_client, median_seconds, ok, report

# isort: split
# The project's services and helpers this benchmark drives, in one place: update these lines
# when they move (bench/run.py sets Django up before importing a benchmark).
from programs import sessions_schedule
from programs.services.plans import ItemSpec, plan_assign_template, plan_tailor

SIZES = (3, 30)
HISTORIES = (0, 365)


def _library(n: int) -> list:
    """The seeded exercises plus plain filler ones, so a plan can hold 30."""
    from programs.models import BodyRegion, Exercise

    have = list(Exercise.objects.filter(is_active=True).order_by("pk"))
    for i in range(len(have), n):
        have.append(
            Exercise.objects.create(
                name=f"Bench exercise {i}",
                slug=f"bench-exercise-{i}",
                body_region=BodyRegion.HIP,
                summary="Filler for the benchmark.",
                instructions="Step one.\nStep two.\nStep three.",
                safety_cues="Stop if it hurts.",
                illustration="img/exercises/glute-bridge.svg",
                illustration_alt="A figure.",
                default_sets=2,
                default_reps=10 if i % 2 else None,
                default_hold_seconds=None if i % 2 else 30,
            )
        )
    return have[:n]


def _patient_with(size: int, history_days: int):
    from programs.models import Completion, ExerciseSession, Plan, ProgramTemplate
    from tests.factories import CareTeamLinkFactory, PatientFactory, TherapistFactory

    therapist = TherapistFactory()
    patient = PatientFactory()
    CareTeamLinkFactory(patient=patient, therapist=therapist)
    plan = plan_assign_template(
        therapist=therapist, patient=patient, template=ProgramTemplate.objects.get(slug="psoas")
    )
    plan_tailor(
        therapist=therapist,
        plan=plan,
        expected_version=1,
        items=[ItemSpec.from_exercise(e) for e in _library(size)],
    )
    plan = Plan.objects.select_related("current_version").get(pk=plan.pk)
    today = sessions_schedule.local_today(patient.patient_profile.time_zone)
    if history_days:
        Plan.objects.filter(pk=plan.pk).update(
            created_at=plan.created_at - timedelta(days=history_days + 1)
        )
        sessions = ExerciseSession.objects.bulk_create(
            ExerciseSession(
                patient=patient,
                plan_version=plan.current_version,
                local_date=today - timedelta(days=d),
            )
            for d in range(1, history_days + 1)
        )
        items = list(plan.current_version.items.all())
        rng = random.Random(size)
        Completion.objects.bulk_create(
            Completion(
                session=s,
                plan_item=i,
                exercise_id=i.exercise_id,
                pain=rng.randint(0, 6),
                difficulty="about_right",
            )
            for s in sessions
            for i in items
        )
    patient.refresh_from_db()
    return patient


@override_settings(ROOT_URLCONF="bench.urls")
def run() -> Outcome:
    clients = {}
    for size in SIZES:
        for days in HISTORIES:
            client = logged_in_client(_patient_with(size, days))
            ok(client.get("/today/"))  # the first visit marks "what changed" seen
            clients[size, days] = client
    page_queries = {k: count_queries(lambda c=c: ok(c.get("/today/"))) for k, c in clients.items()}
    api_queries = {
        k: count_queries(lambda c=c: ok(c.get("/api/v1/today/"))) for k, c in clients.items()
    }
    big = clients[max(SIZES), max(HISTORIES)]
    assert len(big.get("/api/v1/today/").json()["items"]) == max(SIZES)
    assert len(big.get("/bench/today/").json()) == max(SIZES)
    api = median_seconds(lambda: big.get("/api/v1/today/"), repeat=300)
    floor = median_seconds(lambda: big.get("/bench/today/"), repeat=300)
    page = median_seconds(lambda: big.get("/today/"), repeat=100)
    ratio = api / floor
    figures = {
        **{f"page_queries_{s}_exercises_{d}_days": q for (s, d), q in page_queries.items()},
        **{f"api_queries_{s}_exercises_{d}_days": q for (s, d), q in api_queries.items()},
        "plan_size_for_timing": max(SIZES),
        "history_days_for_timing": max(HISTORIES),
        "api_median_ms": round(api * 1000, 3),
        "floor_median_ms": round(floor * 1000, 3),
        "page_median_ms": round(page * 1000, 3),
        "ratio_api_to_floor": round(ratio, 2),
    }
    return report(
        "today",
        figures,
        {
            "Today page queries do not grow with plan size or history": len(
                set(page_queries.values())
            )
            == 1,
            "today-plan API queries do not grow with plan size or history": len(
                set(api_queries.values())
            )
            == 1,
        },
        timing={"API at most 2.0x a bare Django view with .values()": ratio <= 2.0},
    )
