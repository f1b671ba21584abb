"""Every care-team page and endpoint against the cast: patient own only, PT own caseload only,
employer admin never, anyone else 404, anonymous to the login page or 401/403."""

import pytest
from django.urls import reverse

from programs import outcomes_scoring
from programs.models import Alert, OutcomeResponse, ProgressNote
from programs.services.alerts import alert_raise_red_flag
from programs.services.notes import note_sign, note_start_draft
from programs.services.outcomes import outcome_record
from tests.conftest import client_for

pytestmark = pytest.mark.django_db


@pytest.fixture
def records(patient, pt):
    alert = alert_raise_red_flag(patient_id=patient.pk, source="intake")
    draft = note_start_draft(therapist=pt, patient_id=patient.pk)
    signed = note_start_draft(therapist=pt, patient_id=patient.pk)
    note_sign(
        user=pt,
        note_id=signed.pk,
        subjective="Signed words for the patient.",
        assessment="Improving.",
        plan="Continue.",
        confirm=True,
    )
    outcome_record(
        patient=patient,
        measure="odi",
        answers={"sections": dict.fromkeys(outcomes_scoring.ODI_KEYS, 2)},
    )
    return {"alert": alert, "draft": draft, "signed": signed}


def _status(user, method: str, url: str, data: dict | None = None) -> int:
    client = client_for(user)
    if method == "get":
        return client.get(url).status_code
    return getattr(client, method)(url, data or {}, content_type="application/json").status_code


# --- pages -----------------------------------------------------------------------------
def test_caseload_page_shows_own_patients_only(patient, patient2, pt, pt2, staff):
    page = client_for(pt).get(reverse("caseload")).content.decode()
    assert patient.last_name in page and patient2.last_name not in page
    page = client_for(pt2).get(reverse("caseload")).content.decode()
    assert patient2.last_name in page and patient.last_name not in page
    assert client_for(staff).get(reverse("caseload")).status_code == 200


def test_caseload_page_refuses_others(patient, employer_admin):
    assert client_for(patient).get(reverse("caseload")).status_code == 404
    assert client_for(employer_admin).get(reverse("caseload")).status_code == 404
    response = client_for(None).get(reverse("caseload"))
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_acknowledge_page(records, patient, patient2, pt, pt2, employer_admin, staff):
    url = reverse("programs:alert-acknowledge", args=[records["alert"].pk])
    assert client_for(pt).get(url).status_code == 200
    for user in (pt2, patient, patient2, employer_admin, staff):
        assert client_for(user).get(url).status_code == 404, user
    assert client_for(None).get(url).status_code == 302
    # an empty note: the form says so and nothing changes
    response = client_for(pt).post(url, {"note": ""})
    assert response.status_code == 200 and "This field is required" in response.content.decode()
    response = client_for(pt).post(url, {"note": "Phoned; referred to GP.", "next": "/caseload/"})
    assert response.status_code == 302 and response["Location"] == "/caseload/"
    assert not Alert.objects.get(pk=records["alert"].pk).is_open


def test_note_pages(records, patient, patient2, pt, pt2, employer_admin):
    signed = reverse("programs:note", args=[records["signed"].pk])
    draft = reverse("programs:note", args=[records["draft"].pk])
    assert client_for(pt).get(draft).status_code == 200
    page = client_for(patient).get(signed)
    assert page.status_code == 200 and "Signed words for the patient." in page.content.decode()
    for user in (patient2, pt2, employer_admin):
        assert client_for(user).get(signed).status_code == 404, user
    assert client_for(patient).get(draft).status_code == 404
    assert client_for(patient).post(signed, {"text": "mine"}).status_code == 404
    assert client_for(None).get(signed).status_code == 302

    mine = client_for(patient).get(reverse("programs:my-notes")).content.decode()
    assert signed in mine and draft not in mine
    for user in (pt, employer_admin):
        assert client_for(user).get(reverse("programs:my-notes")).status_code == 404


def test_start_note_page(patient, pt, pt2, patient2, employer_admin):
    url = reverse("programs:note-start", args=[patient.pk])
    for user in (pt2, patient, patient2, employer_admin):
        assert client_for(user).post(url).status_code == 404, user
    response = client_for(pt).post(url)
    note = ProgressNote.objects.get(patient=patient)
    assert response["Location"] == reverse("programs:note", args=[note.pk])


def test_pt_edits_signs_and_amends_through_the_page(patient, pt):
    note = note_start_draft(therapist=pt, patient_id=patient.pk)
    url = reverse("programs:note", args=[note.pk])
    client = client_for(pt)
    fields = {"subjective": "S", "objective": "O", "assessment": "A", "plan": "P"}
    assert client.post(url, {**fields, "action": "save"}).status_code == 302
    # signing asks to confirm first (nothing saved), then signs
    response = client.post(url, {**fields, "plan": "P2", "action": "sign"})
    assert response.status_code == 200 and "Sign and lock this note?" in response.content.decode()
    note.refresh_from_db()
    assert not note.is_signed and note.plan == "P"
    confirmed = {**fields, "plan": "P2", "action": "sign", "confirm": "yes"}
    assert client.post(url, confirmed).status_code == 302
    note.refresh_from_db()
    assert note.is_signed and note.plan == "P2"
    assert client.post(url, {"text": "Correction."}).status_code == 302
    page = client.get(url).content.decode()
    assert "Correction." in page and "P2" in page
    patient_page = client_for(patient).get(url).content.decode()
    assert "Correction." in patient_page and "Versions" not in patient_page


def test_outcome_pages(records, patient, pt, employer_admin):
    for name, args in (("programs:my-outcomes", []), ("programs:outcome-answer", ["odi"])):
        url = reverse(name, args=args)
        assert client_for(patient).get(url).status_code == 200
        for user in (pt, employer_admin):
            assert client_for(user).get(url).status_code == 404
        assert client_for(None).get(url).status_code == 302
    assert client_for(patient).get("/progress/outcomes/sf36/").status_code == 404


def test_odi_form_bad_answer_is_named_and_nothing_saved(patient):
    url = reverse("programs:outcome-answer", args=["odi"])
    before = OutcomeResponse.objects.count()
    response = client_for(patient).post(url, {"sitting": "7"})
    assert response.status_code == 200
    assert "Select a valid choice" in response.content.decode()
    response = client_for(patient).post(url, {})  # everything skipped
    assert "Answer at least 8 of the 10 sections" in response.content.decode()
    response = client_for(patient).post(url, {"sitting": "2", "walking": "4"})
    assert "Answer at least 8 of the 10 sections (you answered 2)" in response.content.decode()
    assert OutcomeResponse.objects.count() == before
    eight = dict.fromkeys(outcomes_scoring.ODI_KEYS[:8], "3")
    response = client_for(patient).post(url, eight)
    assert response.status_code == 302
    assert OutcomeResponse.objects.latest("answered_at").score == 60


def test_psfs_and_pain_forms(patient):
    url = reverse("programs:outcome-answer", args=["psfs"])
    data = {"activity_0": "Socks", "rating_0": "3", "activity_1": "Sitting", "rating_1": "5"}
    response = client_for(patient).post(url, data)
    assert response.status_code == 200 and "This field is required" in response.content.decode()
    assert client_for(patient).post(url, {**data, "activity_2": "Stairs", "rating_2": "7"})[
        "Location"
    ] == reverse("programs:my-outcomes")
    url = reverse("programs:outcome-answer", args=["nrs"])
    assert client_for(patient).post(url, {"pain": "4"}).status_code == 302
    page = client_for(patient).get(reverse("programs:my-outcomes")).content.decode()
    assert "<svg" in page and "One answer so far: 4.0/10" in page


def test_patient_outcomes_and_detail_sections(records, patient, patient2, pt, pt2, employer_admin):
    url = reverse("programs:patient-outcomes", args=[patient.pk])
    assert client_for(pt).get(url).status_code == 200
    for user in (pt2, patient, patient2, employer_admin):
        assert client_for(user).get(url).status_code == 404, user
    detail = client_for(pt).get(reverse("patient-detail", args=[patient.pk])).content.decode()
    assert "Red flag" in detail and "Start a progress note" in detail
    assert "Oswestry Disability Index" in detail


# --- API -------------------------------------------------------------------------------
def test_caseload_api(records, patient, patient2, pt, employer_admin):
    data = client_for(pt).get("/api/v1/caseload/").json()
    assert [r["id"] for r in data["results"]] == [patient.pk]
    assert data["results"][0]["open_alerts"][0]["kind"] == "red_flag"
    assert data["results"][0]["latest_odi"] == "40.0"
    for user in (patient, employer_admin):
        assert _status(user, "get", "/api/v1/caseload/") == 404
    assert _status(None, "get", "/api/v1/caseload/") in (401, 403)


def test_alert_api(records, patient, patient2, pt, pt2, employer_admin):
    url = f"/api/v1/patients/{patient.pk}/alerts/"
    assert client_for(pt).get(url).json()[0]["kind"] == "red_flag"
    for user in (pt2, patient, patient2, employer_admin):
        assert _status(user, "get", url) == 404, user
    ack = f"/api/v1/alerts/{records['alert'].pk}/acknowledge/"
    for user in (pt2, patient, employer_admin):
        assert _status(user, "post", ack, {"note": "x"}) == 404, user
    response = client_for(pt).post(ack, {"note": ""}, content_type="application/json")
    assert response.status_code == 400 and "note" in response.json()["errors"]
    response = client_for(pt).post(ack, {"note": "Called."}, content_type="application/json")
    assert response.status_code == 200 and response.json()["acknowledgement_note"] == "Called."
    again = client_for(pt).post(ack, {"note": "Again."}, content_type="application/json")
    assert again.status_code == 400
    assert _status(None, "post", ack, {"note": "x"}) in (401, 403)


def test_outcome_api(records, patient, patient2, pt, pt2, employer_admin):
    url = f"/api/v1/patients/{patient.pk}/outcomes/"
    assert client_for(patient).get(url).json()["responses"][0]["score"] == "40.0"
    assert client_for(pt).get(url).status_code == 200
    for user in (patient2, pt2, employer_admin):
        assert _status(user, "get", url) == 404, user
    bad = {"measure": "odi", "answers": {"sections": {"sitting": 6}}}
    response = client_for(patient).post("/api/v1/outcomes/", bad, content_type="application/json")
    assert response.status_code == 400 and "sitting" in response.json()["errors"]
    good = {"measure": "psfs", "answers": {"activities": [{"activity": "a", "rating": 4}] * 3}}
    response = client_for(patient).post("/api/v1/outcomes/", good, content_type="application/json")
    assert response.status_code == 201 and response.json()["score"] == "4.0"
    assert _status(pt, "post", "/api/v1/outcomes/", good) == 404
    assert _status(None, "post", "/api/v1/outcomes/", good) in (401, 403)


def test_note_api(records, patient, patient2, pt, pt2, employer_admin):
    url = f"/api/v1/patients/{patient.pk}/notes/"
    mine = client_for(patient).get(url).json()
    assert [n["id"] for n in mine] == [records["signed"].pk]
    assert len(client_for(pt).get(url).json()) == 2
    for user in (patient2, pt2, employer_admin):
        assert _status(user, "get", url) == 404, user
    assert _status(patient, "post", url) == 404
    assert _status(pt2, "post", url) == 404
    created = client_for(pt).post(url, {"period_days": 14}, content_type="application/json")
    assert created.status_code == 201 and created.json()["status"] == "draft"
    note_url = f"/api/v1/notes/{created.json()['id']}/"
    assert _status(patient, "get", note_url) == 404  # a draft
    response = client_for(pt).patch(note_url, {"plan": "Walk daily."}, "application/json")
    assert response.status_code == 200 and response.json()["plan"] == "Walk daily."
    addendum_to_draft = client_for(pt).post(
        f"{note_url}addenda/", {"text": "x"}, content_type="application/json"
    )
    assert addendum_to_draft.status_code == 400 and "note" in addendum_to_draft.json()["errors"]
    assert _status(pt2, "post", f"{note_url}sign/") == 404
    sign = f"{note_url}sign/"
    missing = client_for(pt).post(sign, {"confirm": True}, content_type="application/json")
    assert missing.status_code == 400 and "assessment" in missing.json()["errors"]
    client_for(pt).patch(note_url, {"assessment": "Better."}, "application/json")
    unconfirmed = client_for(pt).post(sign)
    assert unconfirmed.status_code == 400 and "confirm" in unconfirmed.json()["errors"]
    ok = client_for(pt).post(sign, {"confirm": True}, content_type="application/json")
    assert ok.status_code == 200
    again = client_for(pt).post(sign, {"confirm": True}, content_type="application/json")
    assert again.status_code == 400  # signed twice
    assert client_for(pt).patch(note_url, {"plan": "x"}, "application/json").status_code == 400
    added = client_for(pt).post(f"{note_url}addenda/", {"text": "Fix."}, "application/json")
    assert added.status_code == 201
    assert client_for(patient).get(note_url).json()["addenda"][0]["body"] == "Fix."
    assert _status(None, "get", note_url) in (401, 403)
