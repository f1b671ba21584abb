"""The PT's one-click decisions on the patient page, the caseload and the API; the plan
history shows every decision with its inputs; the patient reads why in their own words."""

from django.urls import reverse

from programs.models import ProgressionSuggestion
from programs.services.progression import progression_check
from tests.conftest import client_for

Status = ProgressionSuggestion.Status


def _suggestion(patient) -> ProgressionSuggestion:
    progression_check(patient_ids=[patient.pk])
    return ProgressionSuggestion.objects.select_related("based_on_version").get()


def test_the_caseload_and_the_patient_page_show_the_suggestion_with_its_reason(
    improver, patient, pt
) -> None:
    _suggestion(patient)
    client = client_for(pt)
    for url in (reverse("caseload"), reverse("patient-detail", args=[patient.pk])):
        body = client.get(url).content.decode()
        assert "Glute bridge: 2 x 10 -&gt; 3 x 10" in body
        assert "sessions done, pain 1-2" in body
        assert "Accept" in body and "Decline" in body and "Edit" in body


def test_another_pt_sees_nothing_and_gets_404_on_every_decision(improver, patient, pt2) -> None:
    suggestion = _suggestion(patient)
    client = client_for(pt2)
    assert "Glute bridge: 2 x 10" not in client.get(reverse("caseload")).content.decode()
    data = {"expected_version": suggestion.based_on_version.number}
    for name in ("progression-accept", "progression-decline", "progression-edit"):
        assert (
            client.post(reverse(f"programs:{name}", args=[suggestion.pk]), data).status_code == 404
        )
    for name in ("api-progression-accept", "api-progression-decline"):
        response = client.post(reverse(name, args=[suggestion.pk]), data, format="json")
        assert response.status_code == 404
    suggestion.refresh_from_db()
    assert suggestion.is_pending


def test_one_click_accept_then_the_patient_reads_why(improver, patient, pt) -> None:
    suggestion = _suggestion(patient)
    page = reverse("patient-detail", args=[patient.pk])
    response = client_for(pt).post(
        reverse("programs:progression-accept", args=[suggestion.pk]),
        {"expected_version": suggestion.based_on_version.number, "next": page},
    )
    assert response.status_code == 302 and response["Location"] == page
    suggestion.refresh_from_db()
    assert suggestion.status == Status.ACCEPTED
    # the patient's Today page says what changed and why, in plain words
    today = client_for(patient).get(reverse("programs:today")).content.decode()
    assert "Glute bridge: now 3 x 10" in today
    assert "Why: You did" in today and "small step up" in today
    # the plan history shows the decision, who took it and its inputs
    history = client_for(pt).get(reverse("programs:plan-versions", args=[patient.pk]))
    text = history.content.decode()
    assert "accepted by" in text and "baseline_pain" in text


def test_decline_through_the_api_and_a_stale_version_is_a_409(improver, patient, pt) -> None:
    suggestion = _suggestion(patient)
    client = client_for(pt)
    url = reverse("api-progression-decline", args=[suggestion.pk])
    stale = client.post(url, {"expected_version": 99}, content_type="application/json")
    assert stale.status_code == 409 and "expected_version" in stale.json()["errors"]
    bad = client.post(url, {}, content_type="application/json")
    assert bad.status_code == 400 and "expected_version" in bad.json()["errors"]
    ok = client.post(
        url,
        {"expected_version": suggestion.based_on_version.number},
        content_type="application/json",
    )
    assert ok.status_code == 200 and ok.json()["status"] == "declined"
    listing = client.get(reverse("api-progression-list", args=[patient.pk])).json()
    assert listing[0]["status"] == "declined" and listing[0]["inputs"]["readings"] >= 6


def test_edit_page_refuses_a_bigger_step_with_a_message(improver, patient, pt) -> None:
    suggestion = _suggestion(patient)
    url = reverse("programs:progression-edit", args=[suggestion.pk])
    client = client_for(pt)
    assert client.get(url).status_code == 200
    response = client.post(
        url, {"expected_version": suggestion.based_on_version.number, "sets": 5, "reps": 10}
    )
    assert response.status_code == 400
    assert "smaller" in response.content.decode()
    suggestion.refresh_from_db()
    assert suggestion.is_pending


def test_the_auto_apply_switch(improver, patient, pt) -> None:
    client = client_for(pt)
    client.post(
        reverse("programs:progression-auto", args=[patient.pk]), {"auto_apply_advances": "on"}
    )
    api = client.get(reverse("api-progression-settings", args=[patient.pk])).json()
    assert api == {"auto_apply_advances": True}
    progression_check(patient_ids=[patient.pk])
    assert ProgressionSuggestion.objects.get().status == Status.AUTO_APPLIED
