"""The authorization matrix, proven on every route.

Routes come from the URL resolver and the OpenAPI schema (tests/security/routes.py); what each
role may get comes from the table in docs/security.md, so the document and the code cannot
drift apart: a route missing from the table fails here with the row to add.

Cell values: a status code (200, 404, 405, 400, ...), `login` (a redirect to the login page),
`redirect` (any other redirect). A cell is what the role gets for its own patient's object
(patient: themself; therapist: a patient on their caseload; staff, employer admin: patient 1).
With another patient's id, patients and therapists must get 404 wherever their own got 2xx, 400
or 409.
"""

import json
from pathlib import Path

import pytest
from django.apps import apps
from django.db.models import DateTimeField
from django.test import Client

from programs.services.messaging import message_post
from programs.services.plans import plan_assign_template
from tests.conftest import client_for
from tests.programs.history import ensure_psoas_library
from tests.security.routes import (
    Cast,
    Route,
    admin_routes,
    api_route_paths_from_resolver,
    api_routes,
    fill,
    page_routes,
)

DOCS = Path(__file__).resolve().parents[2] / "docs" / "security.md"
COLUMNS = ["anonymous", "patient", "therapist", "employer admin", "staff"]
# Each actor, the matrix column it is judged by, and whose data counts as its own.
ACTORS = {
    "anonymous": ("anonymous", "patient"),
    "patient": ("patient", "patient"),
    "patient2": ("patient", "patient2"),
    "pt": ("therapist", "patient"),
    "pt2": ("therapist", "patient2"),
    "employer_admin": ("employer admin", "patient"),
    "staff": ("staff", "patient"),
}
SCOPED_COLUMNS = {"patient", "therapist"}  # reach only some patients


def documented_matrix() -> dict[str, dict[str, str]]:
    text = DOCS.read_text()
    block = text.split("<!-- route-matrix:start -->", 1)[1].split("<!-- route-matrix:end -->")[0]
    matrix = {}
    for line in block.strip().splitlines()[2:]:
        cells = [c.strip().strip("`") for c in line.strip().strip("|").split("|")]
        matrix[cells[0]] = dict(zip(COLUMNS, cells[1:], strict=True))
    return matrix


def every_route() -> list[Route]:
    return page_routes() + api_routes()


@pytest.fixture
def cast(patient, patient2, pt, pt2, employer_admin, staff) -> Cast:
    # Unmistakable markers: any of them in a response to the wrong person is a leak.
    for person, marker in ((patient, "Ouroboros"), (patient2, "Quetzalcoatl")):
        person.last_name = marker
        person.save(update_fields=["last_name"])
    # Each patient is on a program with their PT and has written to them, so the programs'
    # pages and APIs have something of each to show (or to leak).
    psoas = ensure_psoas_library()
    for person, therapist in ((patient, pt), (patient2, pt2)):
        plan_assign_template(therapist=therapist, patient=person, template=psoas)
        message_post(sender=person, patient=person, body=f"Note from {person.last_name}")
    return Cast(patient, patient2, pt, pt2, employer_admin, staff)


def _outcome(response) -> str:
    if response.status_code in (301, 302, 303, 307, 308):
        location = response["Location"]
        return "login" if location.startswith("/accounts/login/") else "redirect"
    return str(response.status_code)


def _request(client: Client, route: Route, url: str):
    if route.method == "GET":
        return client.get(url)
    return client.generic(route.method, url, data="{}", content_type="application/json")


def test_every_api_route_of_the_resolver_is_in_the_schema():
    documented = {r.template for r in api_routes()}
    assert api_route_paths_from_resolver() <= documented


@pytest.mark.django_db
def test_every_route_gives_each_role_exactly_what_the_matrix_allows(cast: Cast, capsys):
    matrix = documented_matrix()
    routes = every_route()
    missing = [r.key for r in routes if r.key not in matrix]
    stale = sorted(set(matrix) - {r.key for r in routes})
    assert not missing, "Add these routes to the matrix in docs/security.md:\n" + "\n".join(
        f"| `{key}` | ? | ? | ? | ? | ? |" for key in missing
    )
    assert not stale, f"docs/security.md lists routes that no longer exist: {stale}"

    clients = {name: client_for(getattr(cast, name, None)) for name in ACTORS}
    failures, checks = [], 0
    for route in routes:
        expected_row = matrix[route.key]
        for actor, (column, own_name) in ACTORS.items():
            own = getattr(cast, own_name)
            foreign = cast.patient2 if own == cast.patient else cast.patient
            variants = [("own", own)] + ([("foreign", foreign)] if route.patient_owned else [])
            for variant, owner in variants:
                expected = expected_row[column]
                # Another patient's object is 404 where one's own is served, validated or sent
                # on (a visit's join link): a 400 or a redirect would show that it exists.
                if (
                    variant == "foreign"
                    and column in SCOPED_COLUMNS
                    and (expected.startswith("2") or expected in {"400", "409", "redirect"})
                ):
                    expected = "404"
                url = fill(route, cast, owner)
                response = _request(clients[actor], route, url)
                got = _outcome(response)
                checks += 1
                if got != expected:
                    failures.append(
                        f"{route.key} as {actor} ({variant}): {got}, matrix: {expected}"
                    )
                if column in SCOPED_COLUMNS and got.startswith("2"):
                    body = (
                        b"".join(response.streaming_content)
                        if response.streaming
                        else response.content
                    )
                    if foreign.last_name.encode() in body or foreign.email.encode() in body:
                        failures.append(
                            f"{route.key} as {actor} ({variant}): shows {foreign.email}"
                        )
    with capsys.disabled():
        print(
            f"\nauthorization matrix: {len(routes)} routes x {len(ACTORS)} actors, "
            f"{checks} role/route/object checks"
        )
    assert not failures, "\n".join(failures)


@pytest.mark.django_db
def test_the_admin_site_lets_in_only_staff(cast: Cast):
    urls = admin_routes()
    for actor in ("anonymous", "patient", "pt", "employer_admin"):
        client = client_for(getattr(cast, actor, None))
        for url in urls:
            response = client.get(url)
            assert response.status_code == 302, (actor, url)
            assert response["Location"].startswith("/admin/login/"), (actor, url)
    staff = client_for(cast.staff)
    for url in urls:
        # staff reach the admin; model pages follow their Django permissions (none here)
        assert staff.get(url).status_code in (200, 403), url


# --- writes: forbidden fields, CSRF -------------------------------------------------------
FORBIDDEN_FIELDS = {
    "patient": None,  # filled with the other patient's id
    "therapist": None,
    "employer": 1,
    "role": "staff",
    "is_staff": True,
    "is_superuser": True,
    "signed_at": "2020-01-01T00:00:00Z",
    "id": 999999,
}
# Tables whose rows record the request itself rather than anyone's data.
BOOKKEEPING = {
    "accounts.auditevent",
    "sessions.session",
    "axes.accessattempt",
    "axes.accesslog",
    "axes.accessfailurelog",
    "accounts.apitoken",
}


def _hashable(value: object) -> object:
    # JSON fields (alert details, outcome answers) come back as dicts and lists.
    if isinstance(value, dict | list):
        return json.dumps(value, sort_keys=True, default=str)
    return value


def database_snapshot() -> dict[str, set]:
    """Every row of every table but bookkeeping, without timestamps a no-op save may touch."""
    snapshot = {}
    for model in apps.get_models():
        if model._meta.label_lower in BOOKKEEPING or not model._meta.managed:
            continue
        fields = [
            f.attname
            for f in model._meta.concrete_fields
            if not (isinstance(f, DateTimeField) and (f.auto_now or f.name == "last_login"))
        ]
        snapshot[model._meta.label_lower] = {
            tuple(_hashable(value) for value in row)
            for row in model._base_manager.values_list(*fields)
        }
    return snapshot


@pytest.mark.django_db
def test_writes_with_fields_a_role_may_not_set_change_nothing(cast: Cast):
    writes = [r for r in api_routes() if r.method in {"POST", "PUT", "PATCH"}]
    assert writes
    clients = {actor: client_for(getattr(cast, actor, None)) for actor in ACTORS}
    requests = []  # filled before the snapshot: fillers may create the objects the URLs name
    for route in writes:
        for actor in ACTORS:
            own = cast.patient2 if actor in ("patient2", "pt2") else cast.patient
            foreign = cast.patient if own == cast.patient2 else cast.patient2
            body = {
                **FORBIDDEN_FIELDS,
                "patient": foreign.pk,
                "therapist": cast.pt2.pk if own == cast.patient else cast.pt.pk,
            }
            requests.append((actor, route.method, fill(route, cast, own), body))
    before = database_snapshot()
    tried = 0
    for actor, method, url, body in requests:
        clients[actor].generic(method, url, data=body, content_type="application/json")
        tried += 1
    assert tried
    assert database_snapshot() == before


CSRF_EXEMPT = {
    # No session is used by these (authentication_classes = []): a forged request from another
    # site acts for no one. Creating an account or a token needs the person's own password.
    "POST /api/v1/auth/signup/",
    "POST /api/v1/auth/token/",
    # "Do I qualify?": anonymous by design (authentication_classes = []), acts for no one.
    "POST /api/v1/eligibility/check/",
}
# One-click unsubscribe (RFC 8058): mail providers POST with no session; the signed token in the
# URL is the authority, so a forged request without it acts for no one (a made-up token: 404).
CSRF_EXEMPT_PAGES = {"/reminders/unsubscribe/{token}/"}


@pytest.mark.django_db
def test_state_changes_over_a_session_without_a_csrf_token_are_refused(cast: Cast):
    actors = ("patient", "pt", "employer_admin", "staff")
    clients = {a: client_for(getattr(cast, a), enforce_csrf_checks=True) for a in actors}
    # Filled before the snapshot: fillers may create the objects the URLs name.
    pages = [
        fill(route, cast, cast.patient)
        for route in page_routes()
        if route.template not in CSRF_EXEMPT_PAGES
    ]
    writes = [
        (route, fill(route, cast, cast.patient))
        for route in api_routes()
        if route.method != "GET" and route.key not in CSRF_EXEMPT
    ]
    before = database_snapshot()
    refused = 0
    for actor, client in clients.items():
        for url in pages:
            assert client.post(url, {"password": "correct-horse-battery-9"}).status_code == 403, (
                actor,
                url,
            )
            refused += 1
        for route, url in writes:
            response = client.generic(route.method, url, data="{}", content_type="application/json")
            assert response.status_code == 403, (actor, route.key)
            assert "CSRF" in response.json()["detail"], (actor, route.key)
            refused += 1
    assert refused
    assert database_snapshot() == before
