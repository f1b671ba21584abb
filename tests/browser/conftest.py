import json
import os
from pathlib import Path

import pytest

# Playwright's sync API runs an event loop in this thread; the ORM must still be usable.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

AXE = Path(__file__).resolve().parents[2] / "node_modules" / "axe-core" / "axe.min.js"


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args: dict) -> dict:
    # Debian's Chromium; a downloaded browser cannot work on these machines.
    return {
        **browser_type_launch_args,
        "executable_path": "/usr/bin/chromium",
        "args": [
            "--no-sandbox",
            "--disable-gpu",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--no-first-run",
            "--disable-quic",
        ],
    }


def assert_accessible(page) -> None:
    """Run axe-core on the current page and fail on serious or critical violations."""
    # Evaluated through the DevTools protocol, so the page's own CSP stays enforced.
    if not page.evaluate("() => typeof window.axe !== 'undefined'"):
        page.evaluate(AXE.read_text() + "\n;undefined")
    result = page.evaluate("() => axe.run(document, {resultTypes: ['violations']})")
    serious = [v for v in result["violations"] if v["impact"] in ("serious", "critical")]
    assert not serious, json.dumps(
        [{"id": v["id"], "nodes": [n["target"] for n in v["nodes"]]} for v in serious], indent=1
    )


def log_in(page, base_url: str, email: str, password: str) -> None:
    """Log in through the real login page. The one place browser tests sign in.

    Therapists, staff and employer admins also pass the second factor, as
    tests.security_helpers.login_with_mfa does (a confirmed authenticator and a fresh recovery
    code); patients without an authenticator sign in with the password alone."""
    from accounts.models import User
    from tests.security_helpers import login_with_mfa

    user = User.objects.filter(email__iexact=email).first()
    if user is not None:
        login_with_mfa(page, base_url, user, password)
        return
    page.goto(f"{base_url}/accounts/login/")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Log in").click()


def set_pain(card, value: int) -> None:
    """Pain on an exercise card by keyboard, as a patient would: the slider when the page has
    its script, else one of the eleven radio buttons it stands for."""
    slider = card.locator("input[type=range]")
    if slider.count():
        slider.focus()
        slider.press("Home")
        for _ in range(value):
            slider.press("ArrowRight")
    else:
        card.locator(f"input[type=radio][name$='-pain'][value='{value}']").check()
