"""The installable app's service worker and what a logout clears (therapy/offline.py)."""

import json
import uuid

import pytest
from django.contrib.staticfiles import finders
from django.test import override_settings
from django.urls import reverse

from programs.models import ProgramTemplate
from programs.services.plans import plan_assign_template
from programs.services.sessions import completion_sync
from tests.conftest import client_for
from therapy.offline import SHELL


@pytest.mark.django_db
def test_the_service_worker_is_served_from_the_root_never_cached(client):
    response = client.get("/sw.js")
    assert reverse("service-worker") == "/sw.js"
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/javascript")
    assert response["Service-Worker-Allowed"] == "/"
    assert "no-cache" in response["Cache-Control"]
    body = response.content.decode()
    # the push reminders' handlers come first (shared with the Web Push work)
    assert body.startswith('importScripts("/static/js/sw-push.js");')
    assert '"/static/js/offline_queue.js"' in body


def test_every_file_of_the_app_shell_exists():
    assert [path for path in SHELL if not finders.find(path)] == []


@pytest.mark.django_db
def test_the_cache_version_follows_the_setting(client):
    with override_settings(SERVICE_WORKER_VERSION="release41"):
        assert 'var VERSION = "release41";' in client.get("/sw.js").content.decode()
    with override_settings(SERVICE_WORKER_VERSION="release42"):
        assert 'var VERSION = "release42";' in client.get("/sw.js").content.decode()


@pytest.mark.django_db
def test_the_worker_script_holds_no_ones_data(patient):
    body = client_for(patient).get("/sw.js").content.decode()
    assert patient.email not in body and patient.last_name not in body


@pytest.mark.django_db
def test_only_patients_pages_register_the_worker(patient, pt):
    patient_page = client_for(patient).get(reverse("programs:today")).content.decode()
    pt_page = client_for(pt).get(reverse("caseload")).content.decode()
    assert f'<meta name="service-worker" content="/sw.js" data-user="{patient.pk}">' in patient_page
    assert 'name="service-worker"' not in pt_page


@pytest.mark.django_db
def test_today_marks_its_forms_and_hides_the_offline_notice(patient, pt):
    plan_assign_template(
        therapist=pt, patient=patient, template=ProgramTemplate.objects.get(slug="psoas")
    )
    page = client_for(patient).get(reverse("programs:today")).content.decode()
    assert "data-offline-banner hidden" in page  # the worker shows it on the saved copy only
    assert "data-offline-completion" in page
    assert 'data-api="/api/v1/today/completions/"' in page


@pytest.mark.django_db
@pytest.mark.parametrize("route", ["accounts:logout", "security:logout-everywhere"])
def test_logging_out_clears_what_the_browser_kept(patient, route):
    client = client_for(patient)
    response = client.post(reverse(route))
    assert response.status_code == 302
    assert response["Clear-Site-Data"] == '"cache", "storage"'
    assert client.get(reverse("programs:today")).status_code == 302  # really logged out


@pytest.mark.django_db
def test_the_export_names_each_completions_client_id(patient, pt):
    plan = plan_assign_template(
        therapist=pt, patient=patient, template=ProgramTemplate.objects.get(slug="psoas")
    )
    item = plan.current_version.items.first()
    client_id = uuid.uuid4()
    completion_sync(
        patient=patient,
        exercise_id=item.exercise_id,
        pain=1,
        difficulty="too_easy",
        client_id=client_id,
    )
    response = client_for(patient).get(reverse("security:data-export"))
    data = json.loads(b"".join(response.streaming_content))
    assert data["sessions"][-1]["completions"][0]["client_id"] == str(client_id)


@pytest.mark.django_db
def test_the_workers_own_copy_of_today_leaves_what_changed_unseen(patient, pt):
    # given: a plan the patient has not opened yet
    plan = plan_assign_template(
        therapist=pt, patient=patient, template=ProgramTemplate.objects.get(slug="psoas")
    )
    client = client_for(patient)
    # when: the service worker fetches Today to keep a copy (from any page, after a deploy)
    client.get(reverse("programs:today"), headers={"X-Offline-Copy": "1"})
    # then: the patient still gets "What changed in your program" when they open Today
    plan.current_version.refresh_from_db()
    assert plan.current_version.seen_by_patient_at is None
    page = client.get(reverse("programs:today")).content.decode()
    assert "What changed in your program" in page
    plan.current_version.refresh_from_db()
    assert plan.current_version.seen_by_patient_at is not None
