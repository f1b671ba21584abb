import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent

PRODUCTION_ENV = {
    "DEBUG": "False",
    "SECRET_KEY": "x" * 30 + "-production-secret-for-the-check-only-1234567890",
    "ALLOWED_HOSTS": "care.example.org",
    "EMAIL_URL": "smtp+tls://mailer:secret@smtp.example.org:587",
}


def _production_env() -> dict[str, str]:
    # The browser tests' async opt-out must not leak into what is checked as production.
    env = {k: v for k, v in os.environ.items() if k != "DJANGO_ALLOW_ASYNC_UNSAFE"}
    return {**env, **PRODUCTION_ENV}


def test_production_profile_passes_check_deploy_with_no_warnings():
    env = _production_env()
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_production_refuses_to_start_without_a_secret_key():
    env = {k: v for k, v in _production_env().items() if k != "SECRET_KEY"}
    result = subprocess.run(
        [sys.executable, "manage.py", "check"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode != 0
    assert "SECRET_KEY" in result.stderr


@pytest.mark.django_db
def test_pages_carry_security_headers(client):
    response = client.get("/accounts/login/")
    csp = response["Content-Security-Policy"]
    assert "default-src 'self'" in csp
    script_src = next(part for part in csp.split(";") if part.strip().startswith("script-src"))
    assert "unsafe-inline" not in script_src
    assert "frame-ancestors 'none'" in csp
    assert response["X-Frame-Options"] == "DENY"
    assert response["Referrer-Policy"] == "same-origin"
    assert response["X-Content-Type-Options"] == "nosniff"


@pytest.mark.django_db
def test_every_response_has_a_request_id_and_mfa_pages_are_not_cached(pt):
    from tests.conftest import client_for

    for response in (
        client_for(None).get("/accounts/login/"),
        client_for(None).get("/api/v1/me/"),
        client_for(pt).get("/accounts/mfa/setup/"),
    ):
        assert len(response["X-Request-ID"]) >= 8
    setup = client_for(pt).get("/accounts/mfa/setup/")
    assert "no-store" in setup["Cache-Control"] or "no-cache" in setup["Cache-Control"]
    # the QR code is a data: image, which the CSP's img-src allows; no inline script anywhere
    assert "img-src 'self' data:" in setup["Content-Security-Policy"]
    assert "<script>" not in setup.content.decode()


def test_production_profile_sends_hsts_and_secure_cookies():
    env = _production_env()
    code = (
        "import django; django.setup();"
        "from django.conf import settings as s;"
        "print(s.SECURE_HSTS_SECONDS, s.SESSION_COOKIE_SECURE, s.CSRF_COOKIE_SECURE,"
        " s.SECURE_SSL_REDIRECT, s.DEBUG)"
    )
    result = subprocess.run(
        [sys.executable, "-c", code],
        cwd=ROOT,
        env={**env, "DJANGO_SETTINGS_MODULE": "therapy.settings"},
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.stdout.split()[-5:] == ["31536000", "True", "True", "True", "False"], (
        result.stdout + result.stderr
    )
