"""The lockout holds across two app processes (both count in the shared database), and a
spoofed X-Forwarded-For on each attempt does not reset it."""

import os
import re
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
import requests
from django.db import connection

from tests.factories import PASSWORD, PatientFactory

pytestmark = [pytest.mark.integration, pytest.mark.django_db(transaction=True)]
ROOT = Path(__file__).resolve().parents[3]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def two_app_processes() -> Iterator[list[str]]:
    settings_dict = connection.settings_dict
    database_url = (
        f"postgres://{settings_dict['USER']}@{settings_dict['HOST']}:{settings_dict['PORT']}"
        f"/{settings_dict['NAME']}"
    )
    env = {
        **{k: v for k, v in os.environ.items() if k != "DJANGO_ALLOW_ASYNC_UNSAFE"},
        "DATABASE_URL": database_url,
        "DEBUG": "True",
    }
    ports = [_free_port(), _free_port()]
    processes = [
        subprocess.Popen(
            [
                str(Path(sys.executable).parent / "gunicorn"),
                "therapy.wsgi",
                "--bind",
                f"127.0.0.1:{port}",
                "--workers",
                "1",
            ],
            cwd=ROOT,
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        for port in ports
    ]
    urls = [f"http://127.0.0.1:{port}" for port in ports]
    try:
        for url in urls:
            deadline = time.monotonic() + 30
            while True:
                try:
                    requests.get(f"{url}/accounts/login/", timeout=10)
                    break
                except requests.RequestException:
                    if time.monotonic() > deadline:
                        raise
                    time.sleep(0.2)
        yield urls
    finally:
        for process in processes:
            process.terminate()
        for process in processes:
            process.wait(timeout=15)


def _log_in(base: str, email: str, password: str, forwarded_for: str) -> requests.Response:
    session = requests.Session()
    form = session.get(f"{base}/accounts/login/", timeout=10).text
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', form).group(1)
    return session.post(
        f"{base}/accounts/login/",
        data={"username": email, "password": password, "csrfmiddlewaretoken": token},
        headers={"X-Forwarded-For": forwarded_for, "Referer": f"{base}/accounts/login/"},
        allow_redirects=False,
        timeout=30,
    )


def test_lockout_is_shared_by_two_processes_and_ignores_forwarded_for(two_app_processes):
    patient = PatientFactory(email="two-procs@example.test")
    first, second = two_app_processes
    for n in range(10):
        base = first if n % 2 == 0 else second
        response = _log_in(base, patient.email, "wrong-password", f"198.51.100.{n}")
        # the form with its error; the tenth failure already answers with the lockout
        assert response.status_code == (200 if n < 9 else 429)
    for base in (first, second):
        response = _log_in(base, patient.email, PASSWORD, "203.0.113.250")
        assert response.status_code == 429
        assert "locked" in response.text
