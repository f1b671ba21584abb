import os
import time
import uuid
from collections.abc import Iterator

import pytest
import redis
from celery.contrib.testing.worker import start_worker
from django.conf import settings
from django.test import Client

from tests import factories
from tests.mailbox import Mailbox
from tests.security_helpers import MfaClient
from therapy.celery import app as celery_app
from therapy.queues import queue_names, queue_settings

# Tests run on the production engines, never on the embedded defaults.
assert settings.DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql", (
    "Run the tests through `make test`: they need DATABASE_URL pointing at PostgreSQL."
)
assert settings.REDIS_URL, "Run the tests through `make test`: they need REDIS_URL."


def pytest_configure(config: pytest.Config) -> None:
    # A queue of our own, so that a `make run` worker on the same Redis cannot steal our tasks.
    # Its reminders, imports and email queues are named after it (therapy/queues.py).
    celery_app.conf.update(queue_settings(f"test-{uuid.uuid4().hex[:8]}"))


_MARKED_FOLDERS = {"browser": "browser", "integration": "integration"}


def pytest_itemcollected(item: pytest.Item) -> None:
    # Everything under tests/browser/ and tests/integration/ carries its marker even when a new
    # file forgets its pytestmark, so `make test-fast` (-m "not browser and not integration")
    # never starts Chromium or a worker process.
    parts = item.path.relative_to(item.config.rootpath).parts
    if len(parts) > 2 and parts[0] == "tests" and parts[1] in _MARKED_FOLDERS:
        item.add_marker(_MARKED_FOLDERS[parts[1]])


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    # Tests that use the session's Celery worker run last. Once started, the worker also runs
    # the tasks other transactional tests enqueue on commit, and a task still reading tables
    # while such a test's teardown truncates them deadlocks with it.
    items.sort(key=lambda item: "celery_session_worker" in getattr(item, "fixturenames", ()))


@pytest.fixture(scope="session", autouse=True)
def _clean_test_redis() -> None:
    redis.Redis.from_url(settings.REDIS_URL).flushdb()


_redis_for_tests: list[redis.Redis] = []


def _test_redis() -> redis.Redis:
    if not _redis_for_tests:
        _redis_for_tests.append(redis.Redis.from_url(settings.REDIS_URL))
    return _redis_for_tests[0]


@pytest.fixture(autouse=True)
def _rate_limits_reset() -> None:
    """Every test starts with fresh rate-limit counters (therapy.rate_limits): many tests sign
    up, reset passwords or check coverage from the one test client address, and a count left
    by an earlier test would answer 429 in a later one."""
    from therapy.rate_limits import KEY_PREFIX

    client = _test_redis()
    keys = list(client.scan_iter(match=f"*:{KEY_PREFIX}*", count=1000))
    if keys:
        client.delete(*keys)


def pending_enrolment_confirm_urls() -> list[str]:
    """The links that finish the enrolments waiting for their email (what the email would
    carry), for tests that do not run a worker; tests/accounts/people/test_sign_up_enumeration
    follows the real email instead."""
    from accounts.selectors.enrolment import ENROLMENT_PENDING_PREFIX, enrolment_confirm_url_for

    return [
        enrolment_confirm_url_for(key.decode().split(ENROLMENT_PENDING_PREFIX, 1)[1])
        for key in _test_redis().scan_iter(match=f"*{ENROLMENT_PENDING_PREFIX}*", count=1000)
    ]


@pytest.fixture(autouse=True)
def _pending_enrolments_reset() -> None:
    from accounts.selectors.enrolment import ENROLMENT_PENDING_PREFIX

    client = _test_redis()
    keys = list(client.scan_iter(match=f"*{ENROLMENT_PENDING_PREFIX}*", count=1000))
    if keys:
        client.delete(*keys)


@pytest.fixture(scope="session")
def _mailbox_server() -> Iterator[Mailbox]:
    box = Mailbox()
    box.start()
    yield box
    box.stop()


@pytest.fixture(autouse=True)
def mailbox(_mailbox_server: Mailbox) -> Iterator[Mailbox]:
    """Every test sends through real SMTP to a local sink it can read."""
    settings.MAILERS = {
        "default": {
            "BACKEND": "django.core.mail.backends.smtp.EmailBackend",
            "OPTIONS": {"host": "127.0.0.1", "port": _mailbox_server.port, "timeout": 5},
        }
    }
    _mailbox_server.clear()
    yield _mailbox_server


@pytest.fixture(scope="session")
def celery_session_worker(django_db_blocker: object) -> Iterator[object]:
    """A real Celery worker on the test Redis, in a thread of this process."""
    os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    # Tasks the earlier, worker-less tests enqueued belong to rows those tests have since
    # rolled back or truncated. Left queued, the solo worker would first chew through all of
    # them, and the first test that waits on its own email could time out behind them.
    # Every queue: the default and the routed ones (therapy/queues.py).
    with celery_app.connection_for_write() as conn:
        for name in queue_names(celery_app.conf.task_default_queue):
            conn.default_channel.queue_purge(name)
    # Without `queues`, it consumes every queue in task_queues, as a worker without -Q does.
    with (
        django_db_blocker.unblock(),
        start_worker(  # type: ignore[attr-defined]
            celery_app, pool="solo", perform_ping_check=False, shutdown_timeout=10
        ) as worker,
    ):
        _worker_running.append(worker)
        yield worker
        _worker_running.clear()


_worker_running: list[object] = []


def _wait_for_idle_worker(timeout: float = 20.0) -> None:
    """Block until the in-thread worker has nothing queued, reserved or running."""
    from celery.worker import state

    queues = queue_names(celery_app.conf.task_default_queue)
    client = redis.Redis.from_url(settings.REDIS_URL)
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        queued = sum(client.llen(q) for q in queues)
        if not queued and not state.active_requests and not state.reserved_requests:
            return
        time.sleep(0.05)


@pytest.fixture(autouse=True)
def _transactional_test_guards(request: pytest.FixtureRequest) -> Iterator[None]:
    """What every transactional test needs, in one place.

    Before: the flush after an earlier transactional test removed the rows of data
    migrations (the exercise library, the psoas template, the article), so seed them again
    through the migration's own idempotent code. After: a task still running would deadlock
    the table flush, so wait for the in-thread worker to go idle. Set up after the database
    fixture, so this teardown runs before the flush.
    """
    marker = request.node.get_closest_marker("django_db")
    transactional = (
        bool(marker and marker.kwargs.get("transaction"))
        or "live_server" in request.fixturenames
        or "transactional_db" in request.fixturenames
    )
    if transactional:
        request.getfixturevalue("_django_db_helper")
        from tests.programs.history import ensure_psoas_library

        ensure_psoas_library()
    yield
    if transactional and _worker_running:
        _wait_for_idle_worker()


# --- the fixed cast: every view test is an access test --------------------------------
@pytest.fixture
def pt(db: None) -> factories.TherapistFactory:
    return factories.TherapistFactory(email="pt@example.test", first_name="Pat")


@pytest.fixture
def pt2(db: None) -> factories.TherapistFactory:
    return factories.TherapistFactory(email="pt2@example.test", first_name="Quinn")


@pytest.fixture
def patient(pt: object) -> factories.PatientFactory:
    # Fixed last names: tests assert one patient's name is absent from a page or a message,
    # and two random ones can be the same (it failed once with "Jones" and "Jones").
    user = factories.PatientFactory(
        email="patient@example.test", first_name="Alex", last_name="Pembrook"
    )
    factories.CareTeamLinkFactory(patient=user, therapist=pt)
    return user


@pytest.fixture
def patient2(pt2: object) -> factories.PatientFactory:
    user = factories.PatientFactory(
        email="patient2@example.test", first_name="Blair", last_name="Ashdown"
    )
    factories.CareTeamLinkFactory(patient=user, therapist=pt2)
    return user


@pytest.fixture
def employer_admin(db: None) -> factories.EmployerAdminFactory:
    return factories.EmployerAdminFactory(email="employer@example.test")


@pytest.fixture
def staff(db: None) -> factories.StaffFactory:
    return factories.StaffFactory(email="staff@example.test")


@pytest.fixture
def client() -> Client:
    """pytest-django's client, but force_login also passes the second factor (see
    tests/security_helpers.py)."""
    return MfaClient()


def client_for(user: object | None, *, enforce_csrf_checks: bool = False) -> Client:
    """A client signed in as `user` (None: anonymous), second factor already passed."""
    client = MfaClient(enforce_csrf_checks=enforce_csrf_checks)
    if user is not None:
        client.force_login(user)
    return client
