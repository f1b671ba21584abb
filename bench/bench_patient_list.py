"""The PT's patient list API against a bare view returning the same rows with .values().

Goal: query count constant in caseload size; median server time at most 2.0x the floor.
"""

from django.test import Client, override_settings

from bench.harness import count_queries, median_seconds, report


@override_settings(ROOT_URLCONF="bench.urls")
def run() -> bool:
    from tests.factories import CareTeamLinkFactory, PatientFactory, TherapistFactory

    therapist = TherapistFactory()
    client = Client()
    client.force_login(therapist)
    queries = {}
    for size in (1, 50):
        while therapist.caseload_links.count() < size:
            CareTeamLinkFactory(patient=PatientFactory(), therapist=therapist)
        queries[size] = count_queries(lambda: client.get("/api/v1/patients/"))
    ours = median_seconds(lambda: client.get("/api/v1/patients/"), repeat=200)
    floor = median_seconds(lambda: client.get("/bench/patients/"), repeat=200)
    ratio = ours / floor
    return report(
        "patient_list",
        {
            "caseload": 50,
            "queries_at_1_patient": queries[1],
            "queries_at_50_patients": queries[50],
            "api_median_ms": round(ours * 1000, 3),
            "floor_median_ms": round(floor * 1000, 3),
            "ratio_api_to_floor": round(ratio, 2),
        },
        {
            "query count does not grow with the caseload": queries[1] == queries[50],
            "API at most 2.0x a bare Django view with .values()": ratio <= 2.0,
        },
    )
