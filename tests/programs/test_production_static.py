"""Pages as production serves their static files: hashed names from a collected manifest.

The test settings use Django's plain storage, which gives a URL for any name, so a name the
manifest lacks failed only in production: the service worker (`/sw.js`) asked for the URL of
"" and answered 500 to every browser, so Today never worked offline there."""

from collections.abc import Iterator
from pathlib import Path

import pytest
from django.conf import settings
from django.contrib.staticfiles.storage import staticfiles_storage
from django.core.management import call_command
from django.test import override_settings

from tests.conftest import client_for

pytestmark = pytest.mark.django_db

HASHED = {
    **settings.STORAGES,
    "staticfiles": {"BACKEND": "therapy.storage.HashedStaticFilesStorage"},
}


@pytest.fixture(scope="module")
def _static_root(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("collected-static")
    with override_settings(STATIC_ROOT=str(root), STORAGES=HASHED):
        call_command("collectstatic", interactive=False, verbosity=0)
    return root


@pytest.fixture
def production_static(_static_root: Path) -> Iterator[None]:
    with override_settings(STATIC_ROOT=str(_static_root), STORAGES=HASHED):
        yield


def test_the_service_worker_is_served_with_hashed_names(client, production_static):
    response = client.get("/sw.js")
    assert response.status_code == 200
    body = response.content.decode()
    assert f'"{settings.STATIC_URL}' in body
    # the shell it keeps offline is the hashed files, as the pages link them
    css = staticfiles_storage.url("css/app.css")
    assert css != f"{settings.STATIC_URL}css/app.css" and css in body


def test_every_role_s_pages_render_with_hashed_names(
    patient, plan, pt, employer_admin, staff, client, production_static
):
    pages = {
        None: ["/accounts/login/", "/sw.js"],
        patient: ["/today/", "/progress/", "/notes/", "/messages/", "/visits/", "/learn/"],
        pt: ["/caseload/", "/messages/", "/visits/"],
        employer_admin: ["/employer/", "/eligibility/"],
        staff: ["/triage/", "/audit/"],
    }
    for user, paths in pages.items():
        browser = client_for(user) if user else client
        for path in paths:
            response = browser.get(path, secure=True)
            assert response.status_code == 200, (user, path, response.status_code)
    today = client_for(patient).get("/today/", secure=True).content.decode()
    assert staticfiles_storage.url("css/app.css") in today
