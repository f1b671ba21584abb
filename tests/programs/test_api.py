"""The therapy's API: the patient's today/progress endpoints and the PT's plan endpoints."""

import pytest

from accounts.services.security import api_token_create
from programs.models import Completion, Exercise, ExerciseSession, Plan, PlanVersion
from programs.selectors.sessions import today_for_patient
from programs.services.plans import plan_assign_template
from tests.security_helpers import MfaAPIClient


def api(user=None, *, token: bool = False) -> MfaAPIClient:
    client = MfaAPIClient()
    if user is not None and token:
        client.credentials(HTTP_AUTHORIZATION=f"Token {api_token_create(user=user)}")
    elif user is not None:
        client.force_login(user)
    return client


def _put_items(plan):
    return [
        {
            "exercise": i.exercise_id,
            "sets": i.sets,
            "reps": i.reps,
            "hold_seconds": i.hold_seconds,
            "per_side": i.per_side,
            "sessions_per_week": i.sessions_per_week,
            "note": i.note,
        }
        for i in plan.current_version.items.order_by("order")
    ]


@pytest.mark.django_db
def test_today_api_matches_the_page_selector(plan, patient, bridge):
    body = api(patient, token=True).get("/api/v1/today/").json()
    assert body["plan"] == {"id": plan.pk, "version": 1}
    page = today_for_patient(patient=patient)
    assert [i["exercise"]["id"] for i in body["items"]] == [r.exercise.pk for r in page.items]
    assert [i["due"] for i in body["items"]] == [r.due for r in page.items]
    assert [i["catch_up"] for i in body["items"]] == [r.catch_up for r in page.items]
    row = next(i for i in body["items"] if i["exercise"]["id"] == bridge.pk)
    assert row["dosage"] == "2 x 10"
    assert row["exercise"]["instructions"] == bridge.instruction_steps()
    assert row["completion"] is None


@pytest.mark.django_db
def test_today_api_without_a_plan(patient):
    body = api(patient).get("/api/v1/today/").json()
    assert body["plan"] is None and body["items"] == []


@pytest.mark.django_db
def test_record_a_completion_then_finish(plan, patient):
    # the hip flexor stretch is daily, so it is prescribed whatever the weekday
    bridge = Exercise.objects.get(slug="half-kneeling-hip-flexor-stretch")
    client = api(patient, token=True)
    response = client.post(
        "/api/v1/today/completions/",
        {"exercise": bridge.pk, "pain": 3, "difficulty": "about_right"},
        format="json",
    )
    assert response.status_code == 201, response.content
    assert response.json()["pain"] == 3
    row = next(
        i for i in client.get("/api/v1/today/").json()["items"] if i["exercise"]["id"] == bridge.pk
    )
    assert row["completion"] == {"pain": 3, "difficulty": "about_right"}
    finished = client.post("/api/v1/today/finish/")
    assert finished.status_code == 200
    assert finished.json()["finished_at"]
    assert client.get("/api/v1/today/").json()["session_finished"] is True
    progress = client.get("/api/v1/progress/").json()
    assert progress["streak_days"] == 1
    assert progress["this_week"]["completed"] == 1
    assert progress["sessions"][0]["exercises_done"] == 1


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("payload", "field"),
    [
        ({"pain": 11, "difficulty": "about_right"}, "pain"),
        ({"pain": -1, "difficulty": "about_right"}, "pain"),
        ({"pain": "x", "difficulty": "about_right"}, "pain"),
        ({"pain": 3, "difficulty": "meh"}, "difficulty"),
        ({"difficulty": "about_right"}, "pain"),
    ],
)
def test_bad_completions_name_the_field_and_save_nothing(plan, patient, bridge, payload, field):
    response = api(patient).post(
        "/api/v1/today/completions/", {"exercise": bridge.pk, **payload}, format="json"
    )
    assert response.status_code == 400
    assert field in response.json()["errors"]
    assert not Completion.objects.exists() and not ExerciseSession.objects.exists()


@pytest.mark.django_db
def test_completing_an_exercise_not_in_the_plan_is_400(plan, patient):
    outside = Exercise.objects.exclude(
        pk__in=plan.current_version.items.values("exercise_id")
    ).first()
    response = api(patient).post(
        "/api/v1/today/completions/",
        {"exercise": outside.pk, "pain": 1, "difficulty": "about_right"},
        format="json",
    )
    assert response.status_code == 400
    assert response.json()["errors"] == {"exercise": ["Not in your current plan."]}
    assert not Completion.objects.exists() and not ExerciseSession.objects.exists()


@pytest.mark.django_db
def test_finish_without_completions_is_400(plan, patient):
    response = api(patient).post("/api/v1/today/finish/")
    assert response.status_code == 400
    assert "at least one exercise" in response.json()["detail"]


@pytest.mark.django_db
def test_patient_endpoints_are_for_patients_only(pt, staff, employer_admin, plan, bridge):
    for user in (pt, staff, employer_admin):
        client = api(user)
        assert client.get("/api/v1/today/").status_code == 404
        assert client.get("/api/v1/progress/").status_code == 404
        assert (
            client.post(
                "/api/v1/today/completions/",
                {"exercise": bridge.pk, "pain": 1, "difficulty": "about_right"},
                format="json",
            ).status_code
            == 404
        )
        assert client.post("/api/v1/today/finish/").status_code == 404
    for url in ("/api/v1/today/", "/api/v1/progress/"):
        assert api().get(url).status_code == 401
    assert api().post("/api/v1/today/completions/", {}, format="json").status_code == 401
    assert not Completion.objects.exists()


@pytest.mark.django_db
def test_pt_reads_edits_and_lists_versions(pt, plan, patient, bridge):
    client = api(pt, token=True)
    body = client.get(f"/api/v1/patients/{patient.pk}/plan/").json()
    assert body["version"]["number"] == 1 and body["template"] == "psoas"
    items = _put_items(plan)
    for item in items:
        if item["exercise"] == bridge.pk:
            item.update(sets=3, reps=12)
    response = client.put(
        f"/api/v1/patients/{patient.pk}/plan/",
        {"expected_version": 1, "items": items},
        format="json",
    )
    assert response.status_code == 200, response.content
    row = next(i for i in response.json()["version"]["items"] if i["exercise"] == bridge.pk)
    assert row["dosage"] == "3 x 12"
    versions = client.get(f"/api/v1/patients/{patient.pk}/plan/versions/").json()
    assert [v["number"] for v in versions] == [2, 1]
    assert versions[0]["created_by"] == pt.get_full_name()
    assert "Glute bridge: now 3 x 12, 5x a week (was 2 x 10, 5x a week)." in versions[0]["changes"]
    # the patient reads their own plan and its history too
    assert api(patient).get(f"/api/v1/patients/{patient.pk}/plan/").json()["version"]["number"] == 2


@pytest.mark.django_db
def test_stale_expected_version_is_409_and_saves_nothing(pt, plan, patient):
    client = api(pt)
    items = _put_items(plan)
    items[0]["sets"] = 3
    assert (
        client.put(
            f"/api/v1/patients/{patient.pk}/plan/",
            {"expected_version": 1, "items": items},
            format="json",
        ).status_code
        == 200
    )
    items[0]["sets"] = 4
    response = client.put(
        f"/api/v1/patients/{patient.pk}/plan/",
        {"expected_version": 1, "items": items},
        format="json",
    )
    assert response.status_code == 409
    assert response.json()["errors"] == {"expected_version": ["Current version is 2."]}
    assert "while you were editing" in response.json()["detail"]
    assert PlanVersion.objects.filter(plan=plan).count() == 2
    missing = client.put(f"/api/v1/patients/{patient.pk}/plan/", {"items": items}, format="json")
    assert missing.status_code == 400 and "expected_version" in missing.json()["errors"]


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"sets": 0}, "sets"),
        ({"reps": 10000}, "reps"),
        ({"reps": None, "hold_seconds": 601}, "hold_seconds"),
        ({"sessions_per_week": 0}, "sessions_per_week"),
        ({"hold_seconds": 30}, "non_field_errors"),
    ],
)
def test_absurd_dosages_are_400_naming_the_field(pt, plan, patient, bridge, change, field):
    items = _put_items(plan)
    position = next(n for n, i in enumerate(items) if i["exercise"] == bridge.pk)
    items[position].update(change)
    response = api(pt).put(
        f"/api/v1/patients/{patient.pk}/plan/",
        {"expected_version": 1, "items": items},
        format="json",
    )
    assert response.status_code == 400
    assert f"items.{position}.{field}" in response.json()["errors"]
    assert PlanVersion.objects.filter(plan=plan).count() == 1


@pytest.mark.django_db
def test_unknown_or_duplicate_exercises_are_400(pt, plan, patient):
    items = _put_items(plan)
    response = api(pt).put(
        f"/api/v1/patients/{patient.pk}/plan/",
        {"expected_version": 1, "items": [*items, {**items[0]}]},
        format="json",
    )
    assert response.status_code == 400
    assert response.json()["errors"]["items"] == ["Each exercise can appear only once in a plan."]
    response = api(pt).put(
        f"/api/v1/patients/{patient.pk}/plan/",
        {"expected_version": 1, "items": [{**items[0], "exercise": 999999}]},
        format="json",
    )
    assert response.status_code == 400
    assert "Unknown exercise" in response.json()["errors"]["items"][0]
    assert PlanVersion.objects.filter(plan=plan).count() == 1


@pytest.mark.django_db
def test_assign_and_swap(pt, patient, bridge):
    client = api(pt)
    response = client.post(
        f"/api/v1/patients/{patient.pk}/plan/assign/", {"template": "psoas"}, format="json"
    )
    assert response.status_code == 201
    assert response.json()["version"]["number"] == 1
    assert (
        client.post(
            f"/api/v1/patients/{patient.pk}/plan/assign/", {"template": "nope"}, format="json"
        ).status_code
        == 404
    )
    swap = client.post(
        f"/api/v1/patients/{patient.pk}/plan/swap/",
        {"expected_version": 1, "exercise": bridge.pk, "direction": "harder"},
        format="json",
    )
    assert swap.status_code == 200
    slugs = [i["exercise_slug"] for i in swap.json()["version"]["items"]]
    assert "single-leg-glute-bridge" in slugs and "glute-bridge" not in slugs
    again = client.post(
        f"/api/v1/patients/{patient.pk}/plan/swap/",
        {"expected_version": 1, "exercise": bridge.pk, "direction": "harder"},
        format="json",
    )
    assert again.status_code == 409


@pytest.mark.django_db
def test_plan_endpoints_are_404_outside_the_caseload(
    pt, pt2, patient, patient2, employer_admin, psoas
):
    plan_assign_template(therapist=pt, patient=patient, template=psoas)
    plan_assign_template(therapist=pt2, patient=patient2, template=psoas)
    base = f"/api/v1/patients/{patient.pk}/plan/"
    put = {"expected_version": 1, "items": _put_items(Plan.objects.get(patient=patient))}
    for user in (pt2, employer_admin, patient2):
        client = api(user)
        assert client.get(base).status_code == 404, user
        assert client.get(base + "versions/").status_code == 404
        assert client.put(base, put, format="json").status_code == 404
        assert (
            client.post(base + "assign/", {"template": "psoas"}, format="json").status_code == 404
        )
        assert (
            client.post(
                base + "swap/",
                {"expected_version": 1, "exercise": 1, "direction": "harder"},
                format="json",
            ).status_code
            == 404
        )
    # the patient may read but never write their own plan
    own = api(patient)
    assert own.get(base).status_code == 200
    assert own.put(base, put, format="json").status_code == 404
    assert own.post(base + "assign/", {"template": "psoas"}, format="json").status_code == 404
    anonymous = api()
    assert anonymous.get(base).status_code == 401
    assert anonymous.put(base, put, format="json").status_code == 401
    assert PlanVersion.objects.filter(plan__patient=patient).count() == 1
    assert Plan.objects.filter(patient=patient).count() == 1


@pytest.mark.django_db
def test_schema_lists_the_programs_endpoints_with_path_parameters(client):
    schema = client.get("/api/schema/", HTTP_ACCEPT="application/json").json()
    paths = schema["paths"]
    for path in (
        "/api/v1/today/",
        "/api/v1/today/completions/",
        "/api/v1/today/finish/",
        "/api/v1/progress/",
        "/api/v1/patients/{patient_id}/plan/",
        "/api/v1/patients/{patient_id}/plan/versions/",
        "/api/v1/patients/{patient_id}/plan/assign/",
    ):
        assert path in paths, path
    put = paths["/api/v1/patients/{patient_id}/plan/"]["put"]
    assert "409" in put["responses"]
    assert put["parameters"][0]["name"] == "patient_id"


@pytest.mark.django_db
def test_exercise_library_for_pts_only(pt, patient, employer_admin):
    body = api(pt).get("/api/v1/exercises/").json()
    bridge = next(e for e in body if e["slug"] == "glute-bridge")
    assert bridge["progression"] == Exercise.objects.get(slug="single-leg-glute-bridge").pk
    assert bridge["instructions"]
    assert api(patient).get("/api/v1/exercises/").status_code == 404
    assert api(employer_admin).get("/api/v1/exercises/").status_code == 404
    assert api().get("/api/v1/exercises/").status_code == 401
