"""The PT's side: the plan section on the patient page, assigning, the editor, the history."""

import pytest

from programs.models import Exercise, Plan, PlanVersion
from programs.services.plans import ItemSpec, plan_tailor
from programs.services.sessions import completion_record
from tests.conftest import client_for


def _editor_data(plan, **changes_by_slug):
    """The editor's form as the page renders it, with per-exercise field overrides."""
    items = list(plan.current_version.items.select_related("exercise").order_by("order"))
    data = {
        "expected_version": str(plan.current_version.number),
        "add_exercise": "",
        "action": "save",
        "items-TOTAL_FORMS": str(len(items)),
        "items-INITIAL_FORMS": str(len(items)),
        "items-MIN_NUM_FORMS": "0",
        "items-MAX_NUM_FORMS": "40",
    }
    for n, item in enumerate(items):
        row = {
            "exercise": item.exercise_id,
            "order": item.order,
            "sets": item.sets,
            "reps": item.reps if item.reps is not None else "",
            "hold_seconds": item.hold_seconds if item.hold_seconds is not None else "",
            "sessions_per_week": item.sessions_per_week,
            "note": item.note,
        }
        if item.per_side:
            row["per_side"] = "on"
        row.update(changes_by_slug.get(item.exercise.slug.replace("-", "_"), {}))
        for key, value in row.items():
            if value is not None:
                data[f"items-{n}-{key}"] = str(value)
    return data


@pytest.mark.django_db
def test_patient_page_offers_assigning_and_then_shows_the_plan(pt, patient, psoas):
    client = client_for(pt)
    page = client.get(f"/patients/{patient.pk}/").content.decode()
    assert "No exercise plan yet." in page
    assert f'action="/patients/{patient.pk}/plan/assign/"' in page
    response = client.post(f"/patients/{patient.pk}/plan/assign/", {"template": "psoas"})
    assert response["Location"] == f"/patients/{patient.pk}/plan/"
    plan = Plan.objects.get(patient=patient)
    assert plan.current_version.number == 1
    page = client.get(f"/patients/{patient.pk}/").content.decode()
    assert "Glute bridge: 2 x 10, 5x a week" in page
    assert (
        client.post(f"/patients/{patient.pk}/plan/assign/", {"template": "nope"}).status_code == 404
    )


@pytest.mark.django_db
def test_patient_page_lists_recent_completions_with_pain_and_difficulty(pt, plan, patient, bridge):
    completion_record(patient=patient, exercise_id=bridge.pk, pain=3, difficulty="too_hard")
    page = client_for(pt).get(f"/patients/{patient.pk}/").content.decode()
    assert "<td>Glute bridge</td><td>3</td><td>Too hard</td>" in page


@pytest.mark.django_db
def test_editor_saves_a_new_version_with_the_new_dosage(pt, plan, patient, bridge):
    client = client_for(pt)
    assert client.get(f"/patients/{patient.pk}/plan/").status_code == 200
    data = _editor_data(plan, glute_bridge={"sets": 3, "reps": 12, "note": "Squeeze at the top"})
    response = client.post(f"/patients/{patient.pk}/plan/", data)
    assert response.status_code == 302
    plan.refresh_from_db()
    item = plan.current_version.items.get(exercise=bridge)
    assert (plan.current_version.number, item.sets, item.reps, item.note) == (
        2,
        3,
        12,
        "Squeeze at the top",
    )
    assert plan.current_version.created_by == pt
    history = client.get(f"/patients/{patient.pk}/plan/versions/").content.decode()
    assert "Version 2 (current)" in history
    assert "Glute bridge: now 3 x 12, 5x a week (was 2 x 10, 5x a week)." in history
    assert pt.get_full_name() in history


@pytest.mark.django_db
def test_editor_removes_reorders_and_adds(pt, plan, patient, bridge):
    clam = Exercise.objects.get(slug="side-lying-clam")
    added = Exercise.objects.get(slug="standing-hip-flexor-stretch")
    data = _editor_data(
        plan,
        side_lying_clam={"DELETE": "on"},
        glute_bridge={"order": 1},
        half_kneeling_hip_flexor_stretch={"order": 2},
    )
    data["add_exercise"] = str(added.pk)
    assert client_for(pt).post(f"/patients/{patient.pk}/plan/", data).status_code == 302
    plan.refresh_from_db()
    exercise_ids = list(
        plan.current_version.items.order_by("order").values_list("exercise_id", flat=True)
    )
    assert exercise_ids[0] == bridge.pk
    assert clam.pk not in exercise_ids
    assert exercise_ids[-1] == added.pk
    assert plan.current_version.items.get(exercise=added).hold_seconds == added.default_hold_seconds


@pytest.mark.django_db
def test_editor_swaps_to_the_harder_variant_in_one_click(pt, plan, patient, bridge):
    harder = Exercise.objects.get(slug="single-leg-glute-bridge")
    page = client_for(pt).get(f"/patients/{patient.pk}/plan/").content.decode()
    assert f'value="harder:{bridge.pk}"' in page
    data = {**_editor_data(plan), "action": f"harder:{bridge.pk}"}
    client_for(pt).post(f"/patients/{patient.pk}/plan/", data)
    plan.refresh_from_db()
    ids = set(plan.current_version.items.values_list("exercise_id", flat=True))
    assert harder.pk in ids and bridge.pk not in ids
    assert plan.current_version.number == 2


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"sets": 0}, "Ensure this value is greater than or equal to 1."),
        ({"reps": 10000}, "Ensure this value is less than or equal to 50."),
        ({"reps": "", "hold_seconds": ""}, "Give either reps or a hold time, not both."),
        ({"hold_seconds": 30}, "Give either reps or a hold time, not both."),
        ({"sessions_per_week": 8}, "Ensure this value is less than or equal to 7."),
    ],
)
def test_editor_rejects_absurd_dosages_and_saves_nothing(pt, plan, patient, change, message):
    response = client_for(pt).post(
        f"/patients/{patient.pk}/plan/", _editor_data(plan, glute_bridge=change)
    )
    assert response.status_code == 400
    assert message in response.content.decode()
    assert PlanVersion.objects.filter(plan=plan).count() == 1


@pytest.mark.django_db
def test_editor_rejects_a_hold_over_two_minutes(pt, plan, patient):
    # defect: a hold of 600 s passed validation
    response = client_for(pt).post(
        f"/patients/{patient.pk}/plan/",
        _editor_data(plan, half_kneeling_hip_flexor_stretch={"hold_seconds": 600}),
    )
    assert response.status_code == 400
    assert "A hold can be at most 120 seconds" in response.content.decode()
    assert PlanVersion.objects.filter(plan=plan).count() == 1


@pytest.mark.django_db
def test_editor_warns_about_a_hold_over_a_minute_but_saves_it(pt, plan, patient):
    response = client_for(pt).post(
        f"/patients/{patient.pk}/plan/",
        _editor_data(plan, half_kneeling_hip_flexor_stretch={"hold_seconds": 90}),
    )
    assert response.status_code == 302
    assert PlanVersion.objects.filter(plan=plan).count() == 2
    page = client_for(pt).get(f"/patients/{patient.pk}/plan/").content.decode()
    assert "A 90 s hold is longer than usual" in page


@pytest.mark.django_db
def test_editor_rejects_removing_every_exercise(pt, plan, patient):
    data = _editor_data(plan)
    for n in range(int(data["items-TOTAL_FORMS"])):
        data[f"items-{n}-DELETE"] = "on"
    response = client_for(pt).post(f"/patients/{patient.pk}/plan/", data)
    assert response.status_code == 400
    assert "A plan needs at least one exercise." in response.content.decode()
    assert PlanVersion.objects.filter(plan=plan).count() == 1


@pytest.mark.django_db
def test_stale_editor_is_told_and_keeps_its_input(pt, plan, patient, bridge):
    # given the PT opened the editor at version 1, and meanwhile someone saved version 2
    stale = _editor_data(plan, glute_bridge={"sets": 3, "reps": 12})
    specs = [
        ItemSpec(**{**ItemSpec.from_item(i).__dict__, "sessions_per_week": 2})
        if i.exercise_id == bridge.pk
        else ItemSpec.from_item(i)
        for i in plan.current_version.items.order_by("order")
    ]
    plan_tailor(therapist=pt, plan=plan, expected_version=1, items=specs)
    # when the stale form is saved
    client = client_for(pt)
    response = client.post(f"/patients/{patient.pk}/plan/", stale)
    # then nothing is saved, the PT is told, and their typed values are still in the form
    assert response.status_code == 409
    page = response.content.decode()
    assert "Not saved: the plan changed while you were editing." in page
    assert 'name="expected_version" value="2"' in page
    bridge_row = next(k for k, v in stale.items() if v == str(bridge.pk) and k.endswith("exercise"))
    prefix = bridge_row.removesuffix("exercise")
    assert f'name="{prefix}reps" value="12"' in page
    assert PlanVersion.objects.filter(plan=plan).count() == 2
    # and saving again applies on top of the new version
    again = {**stale, "expected_version": "2"}
    assert client.post(f"/patients/{patient.pk}/plan/", again).status_code == 302
    plan.refresh_from_db()
    assert plan.current_version.number == 3


@pytest.mark.django_db
def test_editor_without_a_plan_sends_the_pt_to_assign_one(pt, patient):
    response = client_for(pt).get(f"/patients/{patient.pk}/plan/")
    assert response["Location"] == f"/patients/{patient.pk}/"


@pytest.mark.django_db
def test_pt_pages_are_404_outside_the_caseload(pt, pt2, plan, patient, employer_admin):
    urls = [f"/patients/{patient.pk}/plan/", f"/patients/{patient.pk}/plan/versions/"]
    for user in (pt2, employer_admin, patient):
        client = client_for(user)
        for url in urls:
            assert client.get(url).status_code == 404, (user, url)
        assert client.post(urls[0], _editor_data(plan)).status_code == 404
        assert (
            client.post(f"/patients/{patient.pk}/plan/assign/", {"template": "psoas"}).status_code
            == 404
        )
    anonymous = client_for(None)
    for url in urls:
        assert anonymous.get(url).status_code == 302
    assert (
        anonymous.post(f"/patients/{patient.pk}/plan/assign/", {"template": "psoas"}).status_code
        == 302
    )
    assert Plan.objects.filter(patient=patient).count() == 1
    assert PlanVersion.objects.filter(plan=plan).count() == 1


@pytest.mark.django_db
def test_operations_staff_cannot_change_a_plan(staff, plan, patient):
    # issue 13: staff rewrote a plan through the API (200, created_by=staff) and the pages
    client = client_for(staff)
    versions = PlanVersion.objects.filter(plan=plan).count()
    put = client.put(
        f"/api/v1/patients/{patient.pk}/plan/",
        {
            "expected_version": plan.current_version.number,
            "items": [
                {"exercise": i.exercise_id, "sets": 1, "reps": 1, "sessions_per_week": 1}
                for i in plan.current_version.items.all()
            ],
        },
        content_type="application/json",
    )
    assert put.status_code == 404
    assert client.post(f"/api/v1/patients/{patient.pk}/plan/assign/", {}).status_code == 404
    assert client.post(f"/api/v1/patients/{patient.pk}/plan/swap/", {}).status_code == 404
    assert client.get(f"/patients/{patient.pk}/plan/").status_code == 404
    assert client.post(f"/patients/{patient.pk}/plan/", _editor_data(plan)).status_code == 404
    assert (
        client.post(f"/patients/{patient.pk}/plan/assign/", {"template": "psoas"}).status_code
        == 404
    )
    assert PlanVersion.objects.filter(plan=plan).count() == versions
    assert not PlanVersion.objects.filter(created_by=staff).exists()
    # reading stays possible, for operations
    assert client.get(f"/api/v1/patients/{patient.pk}/plan/").status_code == 200
    assert client.get(f"/patients/{patient.pk}/plan/versions/").status_code == 200
