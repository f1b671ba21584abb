"""The load of `make bench ONLY=web`: locust, headless, as a library, in its own process.

bench/bench_web.py runs `python bench/web_load.py <config.json> <results.json>`: locust patches
the standard library for gevent on import, which the Django process that seeds the database and
runs gunicorn must not see. Loopback only: the host comes from the config and is checked.

Four phases, the same users throughout:
- "sign in": every user signs in at once, patients with their password (their role needs no
  second factor), PTs with their password (their TOTP code comes first thing in "mixed").
  Argon2 makes this the costliest moment; the phase ends when everyone is in.
- "mixed": patients loop over: open Today, mark one exercise done through the page's form (as
  htmx posts it) while any is left, read Progress; PTs open the caseload.
- "today": every patient only opens Today; PTs wait.
- "bare": every patient only opens the bare view (bench/floors.py: no database work, the same
  middleware and gunicorn); PTs wait.
Each phase stops at its time limit or its request limit, whichever comes first. No wait time
between requests: the figures are what the server sustains when every user keeps it busy.

Requests go out as they would come from a TLS-terminating load balancer
(`X-Forwarded-Proto: https`), so the production security settings (HTTPS redirect, secure
cookies, CSRF origin checks) stay on.
"""

import hmac
import json
import re
import struct
import sys
import time
from http.cookiejar import DefaultCookiePolicy
from pathlib import Path
from urllib.parse import urlsplit

import gevent
from locust import FastHttpUser, constant, task
from locust.env import Environment

PHASE = {"name": "idle"}
SIGNED_IN = {"users": 0}
BUSY = {"users": 0}  # users inside a step of a phase (not idling)
CONFIG: dict = {}
HEADERS: dict[str, str] = {}
DONE_FORM = re.compile(r'action="/today/done/(\d+)/"')


def totp(key: bytes, step: int = 30, digits: int = 6) -> str:
    """RFC 6238, as django_otp.oath.totp computes it (importing django_otp here would reach for
    Django's settings while gevent patches the standard library)."""
    mac = hmac.new(key, struct.pack(">Q", int(time.time()) // step), "sha1").digest()
    offset = mac[-1] & 0x0F
    code = struct.unpack(">I", mac[offset : offset + 4])[0] & 0x7FFFFFFF
    return f"{code % 10**digits:0{digits}d}"


class _BehindTls(DefaultCookiePolicy):
    """Secure cookies go out on the plain loopback leg, as a browser sends them over TLS to the
    load balancer that forwards them here (the server still marks them Secure)."""

    def return_ok_secure(self, cookie: object, request: object) -> bool:
        return True


class _User(FastHttpUser):
    abstract = True
    wait_time = constant(0)

    def on_start(self) -> None:
        self.client.cookiejar.set_policy(_BehindTls())

    def _csrf(self) -> str:
        for cookie in self.client.cookiejar:
            if cookie.name == "csrftoken":
                return cookie.value
        raise RuntimeError("no csrftoken cookie")

    def _get(self, path: str, name: str) -> str:
        with self.client.get(
            path, name=name, headers=HEADERS, allow_redirects=False, catch_response=True
        ) as r:
            if r.status_code != 200:
                r.failure(f"answered {r.status_code}, not 200")
                return ""
            return r.text or ""

    def _post(self, path: str, name: str, data: dict, *, expect: int, extra: dict | None = None):
        data = {**data, "csrfmiddlewaretoken": self._csrf()}
        with self.client.post(
            path,
            name=name,
            data=data,
            headers={**HEADERS, **(extra or {})},
            allow_redirects=False,
            catch_response=True,
        ) as r:
            location = r.headers.get("Location", "") if r.headers else ""
            if r.status_code != expect:
                r.failure(f"answered {r.status_code}, not {expect}")
            elif expect == 302 and ("/login/" in location or "/mfa/" in location):
                r.failure(f"sent back to {location}")

    def _sign_in(self, email: str) -> None:
        self._get("/accounts/login/", "sign in: form")
        self._post(
            "/accounts/login/",
            "sign in: password",
            {"username": email, "password": CONFIG["password"]},
            expect=302,
        )


class PatientUser(_User):
    fixed_count = 0  # set from the config

    def on_start(self) -> None:
        super().on_start()
        self._sign_in(CONFIG["patients"].pop())
        SIGNED_IN["users"] += 1

    @task
    def step(self) -> None:
        phase = PHASE["name"]
        if phase == "idle":
            gevent.sleep(0.2)
            return
        BUSY["users"] += 1
        try:
            if phase == "today":
                self._get("/today/", "Today (ratio phase)")
            elif phase == "bare":
                self._get("/bench/bare/", "bare view (ratio phase)")
            else:
                page = self._get("/today/", "Today")
                left = DONE_FORM.findall(page)
                if left:
                    ex = left[0]
                    self._post(
                        f"/today/done/{ex}/",
                        "mark an exercise done",
                        {f"ex{ex}-pain": "3", f"ex{ex}-difficulty": "about_right"},
                        expect=200,
                        extra={"HX-Request": "true"},
                    )
                self._get("/progress/", "Progress")
        finally:
            BUSY["users"] -= 1


class TherapistUser(_User):
    fixed_count = 0
    key = b""
    verified = False

    def on_start(self) -> None:
        super().on_start()
        email, key_hex = CONFIG["therapists"].pop()
        self.key = bytes.fromhex(key_hex)
        self._sign_in(email)
        SIGNED_IN["users"] += 1

    @task
    def step(self) -> None:
        if PHASE["name"] != "mixed":
            gevent.sleep(0.2)
            return
        BUSY["users"] += 1
        try:
            if not self.verified:
                # The code goes in once the password storm is over: queued behind fifty Argon2
                # checks on the loaded 2-core machine, a code expired before the server read it
                # (37 s). It is part of the mixed phase's figures.
                self._post(
                    "/accounts/mfa/verify/",
                    "sign in: TOTP code",
                    {"otp_token": totp(self.key)},
                    expect=302,
                )
                self.verified = True
            self._get("/caseload/", "caseload")
        finally:
            BUSY["users"] -= 1


def _snapshot(env: Environment, seconds: float) -> dict:
    pages = {}
    for (name, _method), entry in sorted(env.stats.entries.items()):
        if not entry.num_requests:
            continue
        pages[name] = {
            "requests": entry.num_requests,
            "failures": entry.num_failures,
            "rps": round(entry.num_requests / seconds, 1),
            "p50_ms": entry.get_response_time_percentile(0.5),
            "p95_ms": entry.get_response_time_percentile(0.95),
            "p99_ms": entry.get_response_time_percentile(0.99),
        }
    total = env.stats.total
    return {
        "seconds": round(seconds, 2),
        "requests": total.num_requests,
        "failures": total.num_failures,
        "rps": round(total.num_requests / seconds, 1),
        "pages": pages,
        "errors": [
            {"page": e.name, "error": str(e.error), "occurrences": e.occurrences}
            for e in env.stats.errors.values()
        ],
    }


def _phase(env: Environment, name: str, seconds: float, max_requests: int) -> dict:
    PHASE["name"] = "idle"
    waited = time.monotonic()
    # the previous phase's requests in flight finish outside this one
    while BUSY["users"] and time.monotonic() - waited < 60:
        gevent.sleep(0.05)
    env.stats.reset_all()
    PHASE["name"] = name
    started = time.monotonic()
    while time.monotonic() - started < seconds and env.stats.total.num_requests < max_requests:
        gevent.sleep(0.2)
    result = _snapshot(env, time.monotonic() - started)
    PHASE["name"] = "idle"
    return result


def main(config_path: str, out_path: str) -> None:
    CONFIG.update(json.loads(Path(config_path).read_text()))
    host = CONFIG["host"]
    if urlsplit(host).hostname not in ("127.0.0.1", "localhost", "::1"):
        raise SystemExit(f"web_load only drives a loopback address, not {host}")
    netloc = urlsplit(host).netloc
    HEADERS.update(
        {
            "X-Forwarded-Proto": "https",
            "Origin": f"https://{netloc}",
            "Referer": f"https://{netloc}/",
        }
    )
    PatientUser.fixed_count = len(CONFIG["patients"])
    TherapistUser.fixed_count = len(CONFIG["therapists"])
    users = PatientUser.fixed_count + TherapistUser.fixed_count
    env = Environment(user_classes=[PatientUser, TherapistUser], host=host)
    runner = env.create_local_runner()
    results = {}
    try:
        # Everyone signs in at once: Argon2 makes this the costliest moment, measured alone.
        env.stats.reset_all()
        started = time.monotonic()
        runner.start(users, spawn_rate=users)
        while SIGNED_IN["users"] < users and time.monotonic() - started < 300:
            gevent.sleep(0.1)
        results["sign_in"] = _snapshot(env, time.monotonic() - started)
        results["mixed"] = _phase(env, "mixed", CONFIG["mixed_seconds"], CONFIG["max_requests"])
        for name in ("today", "bare"):
            results[name] = _phase(env, name, CONFIG["ratio_seconds"], CONFIG["max_requests"])
    finally:
        runner.quit()
    Path(out_path).write_text(json.dumps(results, indent=2))


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])
