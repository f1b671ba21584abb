"""The PT's patient list API against a bare view returning the same rows with .values().

Goal: query count constant in caseload size; median server time at most 2.0x the floor.
Size: BENCH_PATIENT_LIST_SIZE (default 50, also in smoke mode).
"""

from django.test import override_settings

from bench.harness import Outcome, count_queries, logged_in_client, median_seconds, ok, report, size


@override_settings(ROOT_URLCONF="bench.urls")
def run() -> Outcome:
    from tests.factories import CareTeamLinkFactory, PatientFactory, TherapistFactory

    big = size("BENCH_PATIENT_LIST_SIZE", full=50, smoke_size=50)
    therapist = TherapistFactory()
    client = logged_in_client(therapist)
    queries = {}
    for n in (1, big):
        while therapist.caseload_links.count() < n:
            CareTeamLinkFactory(patient=PatientFactory(), therapist=therapist)
        response = ok(client.get("/api/v1/patients/"))
        assert len(response.json()) == n, response.json()
        queries[n] = count_queries(lambda: ok(client.get("/api/v1/patients/")))
    ok(client.get("/bench/patients/"))
    ours = median_seconds(lambda: client.get("/api/v1/patients/"), repeat=200)
    floor = median_seconds(lambda: client.get("/bench/patients/"), repeat=200)
    ratio = ours / floor
    return report(
        "patient_list",
        {
            "caseload": big,
            "queries_at_1_patient": queries[1],
            f"queries_at_{big}_patients": queries[big],
            "api_median_ms": round(ours * 1000, 3),
            "floor_median_ms": round(floor * 1000, 3),
            "ratio_api_to_floor": round(ratio, 2),
        },
        {"query count does not grow with the caseload": queries[1] == queries[big]},
        timing={"API at most 2.0x a bare Django view with .values()": ratio <= 2.0},
    )
