"""Web capacity: the app as production runs it, under 50 patients and 5 PTs at once (issue 14).

gunicorn with gunicorn.conf.py and the production command line (gthread, 2 workers x 4
threads), DEBUG=False, PostgreSQL (this benchmark's own database), Redis, a fresh SECRET_KEY,
static files collected into a temporary folder and served by whitenoise, on a free loopback
port. bench/web_load.py drives it with locust (see there for the phases): patients sign in,
open Today, mark exercises done and read Progress; PTs sign in with a TOTP code and open the
caseload. Then the Today page alone, and a bare view (bench/floors.py: no database work,
through the same gunicorn and middleware), each under the same 50 patients.

Reported: requests per second, p50/p95/p99 per page, errors, and Today's throughput over the
bare view's. Goals: no errors (enforced at every size); Today at least 0.5x the bare view (a
timing goal, not enforced in smoke mode).
Sizes: BENCH_WEB_PATIENTS (50; 8 in smoke mode), BENCH_WEB_PTS (5; 2), BENCH_WEB_SECONDS for
the mixed phase (60; 15), BENCH_WEB_RATIO_SECONDS for each ratio phase (30; 8),
BENCH_WEB_MAX_REQUESTS per phase (500,000; 50,000).
"""

import json
import os
import secrets
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from datetime import timedelta
from pathlib import Path
from urllib.parse import quote

from django.conf import settings
from django.db import connection
from django.utils import timezone

from bench.harness import ROOT, Outcome, report, sessions_history_insert, size

# isort: split
# The project's services this benchmark drives, in one place: update these lines when they
# move (bench/run.py sets Django up before importing a benchmark).
from programs.services.alerts import alerts_evaluate

PATIENTS = size("BENCH_WEB_PATIENTS", full=50, smoke_size=8)
PTS = size("BENCH_WEB_PTS", full=5, smoke_size=2)
MIXED_SECONDS = size("BENCH_WEB_SECONDS", full=60, smoke_size=15)
RATIO_SECONDS = size("BENCH_WEB_RATIO_SECONDS", full=30, smoke_size=8)
MAX_REQUESTS = size("BENCH_WEB_MAX_REQUESTS", full=500_000, smoke_size=50_000)
PASSWORD = "bench-web-pass-2718"  # noqa: S105 - the benchmark's throwaway accounts
HISTORY_DAYS = 28
# The production command line (Makefile `run`, docker-compose.yml, docs/operations.md).
GUNICORN_ARGS = ["--worker-class", "gthread", "--workers", "2", "--threads", "4"]
QUEUE = "bench_web"  # the Celery queue the completions' alert tasks go to, emptied afterwards


def _seed() -> tuple[list[str], list[tuple[str, str]]]:
    """PTS PTs with a confirmed TOTP device each, PATIENTS patients spread over them, each on
    the psoas plan with HISTORY_DAYS days of sessions (about 70% of days, every exercise).
    Bulk inserts and set-based SQL; one Argon2 hash shared by every account."""
    from datetime import date

    from django.contrib.auth.hashers import make_password
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from accounts.models import CareTeamLink, PatientProfile, TherapistProfile, User
    from programs.models import Plan, PlanItem, PlanVersion, ProgramTemplate

    password = make_password(PASSWORD)
    now = timezone.now()
    start = now - timedelta(days=HISTORY_DAYS + 1)
    pts = User.objects.bulk_create(
        [
            User(
                email=f"pt{i}@bench.test",
                first_name=f"Pt{i}",
                last_name="Bench",
                role=User.Role.THERAPIST,
                password=password,
            )
            for i in range(PTS)
        ]
    )
    TherapistProfile.objects.bulk_create(
        [
            TherapistProfile(user=u, license_state="NY", license_number=f"PT-9{u.pk:05d}")
            for u in pts
        ],
    )
    keys = [secrets.token_hex(20) for _ in pts]
    TOTPDevice.objects.bulk_create(
        [
            TOTPDevice(user=u, name="bench", key=k, confirmed=True)
            for u, k in zip(pts, keys, strict=True)
        ]
    )
    patients = User.objects.bulk_create(
        [
            User(
                email=f"patient{i}@bench.test",
                first_name=f"Patient{i}",
                last_name=f"Bench{i:03d}",
                role=User.Role.PATIENT,
                password=password,
            )
            for i in range(PATIENTS)
        ]
    )
    ids = [u.pk for u in patients]
    PatientProfile.objects.bulk_create(
        [
            PatientProfile(user=u, date_of_birth=date(1980, 1, 1), time_zone="America/New_York")
            for u in patients
        ]
    )
    CareTeamLink.objects.bulk_create(
        [
            CareTeamLink(patient=u, therapist=pts[i % len(pts)], started_at=start)
            for i, u in enumerate(patients)
        ]
    )
    psoas = ProgramTemplate.objects.get(slug="psoas")
    template_items = list(psoas.items.all())
    plans = Plan.objects.bulk_create(
        [Plan(patient=u, template=psoas, created_at=start) for u in patients]
    )
    versions = PlanVersion.objects.bulk_create(
        [
            PlanVersion(
                plan=p,
                number=1,
                created_by=pts[i % len(pts)],
                created_at=start,
                seen_by_patient_at=start,
            )
            for i, p in enumerate(plans)
        ]
    )
    PlanItem.objects.bulk_create(
        [
            PlanItem(
                version=v,
                exercise_id=t.exercise_id,
                order=t.order,
                sets=t.sets,
                reps=t.reps,
                hold_seconds=t.hold_seconds,
                per_side=t.per_side,
                sessions_per_week=t.sessions_per_week,
            )
            for v in versions
            for t in template_items
        ]
    )
    today = timezone.localdate()
    with connection.cursor() as cur:
        sessions_history_insert(
            cur, ids, today - timedelta(days=HISTORY_DAYS), today - timedelta(days=2)
        )
        cur.execute(
            "INSERT INTO programs_completion "
            "(session_id, plan_item_id, exercise_id, pain, difficulty, completed_at) "
            "SELECT s.id, i.id, i.exercise_id, abs(hashtext(s.id::text || i.id::text)) %% 6, "
            "'about_right', s.started_at + interval '5 minutes' "
            "FROM programs_exercisesession s JOIN programs_planitem i "
            "ON i.version_id = s.plan_version_id WHERE s.patient_id = ANY(%s)",
            [ids],
        )
        cur.execute("ANALYZE")
    alerts_evaluate(patient_ids=ids)  # the caseload's summary rows, as the sweep keeps them
    return [u.email for u in patients], [(u.email, k) for u, k in zip(pts, keys, strict=True)]


def _database_url() -> str:
    s = connection.settings_dict
    auth = quote(s["USER"] or "", safe="")
    if s["PASSWORD"]:
        auth += ":" + quote(s["PASSWORD"], safe="")
    return f"postgres://{auth}@{s['HOST'] or '127.0.0.1'}:{s['PORT'] or 5432}/{s['NAME']}"


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _healthy(port: int) -> bool:
    request = urllib.request.Request(
        f"http://127.0.0.1:{port}/healthz", headers={"X-Forwarded-Proto": "https"}
    )
    try:
        with urllib.request.urlopen(request, timeout=2) as response:  # noqa: S310 - loopback
            return response.status == 200
    except (urllib.error.URLError, OSError):
        return False


def _stop(process: subprocess.Popen) -> None:
    """End a process group this benchmark started: TERM, then KILL after 10 s."""
    if process.poll() is not None:
        return
    try:
        os.killpg(process.pid, signal.SIGTERM)
        process.wait(timeout=10)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait(timeout=10)
    except ProcessLookupError:
        pass


def _tail(path: Path, lines: int = 30) -> str:
    try:
        return "\n".join(path.read_text(errors="replace").splitlines()[-lines:])
    except OSError:
        return ""


def _forget_queue() -> None:
    """The alert tasks the completions queued: no worker runs here, nobody will take them."""
    import redis

    from therapy.queues import queue_names

    client = redis.Redis.from_url(settings.REDIS_URL)
    for name in queue_names(QUEUE):  # the default queue and the routed ones (email, ...)
        client.delete(name, f"_kombu.binding.{name}")


def _serve_and_load(work: Path, patients: list[str], therapists: list[tuple[str, str]]) -> dict:
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "bench.settings_web",
        "DEBUG": "False",
        "SECRET_KEY": secrets.token_urlsafe(50),
        "ALLOWED_HOSTS": "127.0.0.1,localhost",
        "DATABASE_URL": _database_url(),
        "REDIS_URL": settings.REDIS_URL,
        "CELERY_QUEUE": QUEUE,
        "BENCH_STATIC_ROOT": str(work / "static"),
    }
    python = sys.executable
    started = time.perf_counter()
    subprocess.run(
        [python, "manage.py", "collectstatic", "--noinput", "-v", "0"],
        cwd=ROOT,
        env=env,
        check=True,
        timeout=300,
    )
    collect_seconds = time.perf_counter() - started
    port = _free_port()
    log = work / "gunicorn.log"
    with log.open("w") as log_file:
        gunicorn = subprocess.Popen(
            # no control socket: its default path is per machine user, shared with any other
            # gunicorn running here
            [
                python,
                "-m",
                "gunicorn",
                "therapy.wsgi",
                "--bind",
                f"127.0.0.1:{port}",
                *GUNICORN_ARGS,
                "--access-logfile",
                "-",
                "--no-control-socket",
            ],
            cwd=ROOT,  # gunicorn reads ./gunicorn.conf.py from here
            env=env,
            stdout=log_file,
            stderr=subprocess.STDOUT,
            start_new_session=True,  # its own process group: _stop ends master and workers
        )
    load = None
    try:
        deadline = time.monotonic() + 60
        while not _healthy(port):
            if gunicorn.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(f"gunicorn did not come up:\n{_tail(log)}")
            time.sleep(0.25)
        config = work / "load.json"
        results = work / "results.json"
        config.write_text(
            json.dumps(
                {
                    "host": f"http://127.0.0.1:{port}",
                    "password": PASSWORD,
                    "patients": patients,
                    "therapists": therapists,
                    "mixed_seconds": MIXED_SECONDS,
                    "ratio_seconds": RATIO_SECONDS,
                    "max_requests": MAX_REQUESTS,
                }
            )
        )
        load = subprocess.Popen(
            [python, str(ROOT / "bench" / "web_load.py"), str(config), str(results)],
            cwd=ROOT,
            start_new_session=True,
        )
        load.wait(timeout=MIXED_SECONDS + 2 * RATIO_SECONDS + 420)
        if load.returncode != 0:
            raise RuntimeError(f"the load generator exited {load.returncode}")
        figures = json.loads(results.read_text())
    finally:
        if load is not None:
            _stop(load)
        _stop(gunicorn)
    lines = log.read_text(errors="replace").splitlines()
    server_errors = [line for line in lines if "Traceback" in line]
    # gunicorn's and Django's own lines (not the access log's): refusals and errors say why
    notes = [line for line in lines if ' "GET ' not in line and ' "POST ' not in line]
    if any(word in line for line in notes for word in ("WARNING", "ERROR", "Traceback")):
        print("gunicorn log without the access lines, last 40:\n   " + "\n   ".join(notes[-40:]))
    figures["collectstatic_seconds"] = round(collect_seconds, 1)
    figures["server_tracebacks"] = len(server_errors)
    return figures


def _pages(phase: dict) -> dict:
    return {
        name: f"{p['rps']}/s, p50 {p['p50_ms']} ms, p95 {p['p95_ms']} ms, p99 {p['p99_ms']} ms"
        + (f", {p['failures']} failed" if p["failures"] else "")
        for name, p in phase["pages"].items()
    }


def run() -> Outcome:
    if not settings.REDIS_URL or connection.vendor != "postgresql":
        raise RuntimeError("bench_web runs as production does: set DATABASE_URL (PostgreSQL)")
    started = time.perf_counter()
    patients, therapists = _seed()
    seed_seconds = time.perf_counter() - started
    with tempfile.TemporaryDirectory(prefix="bench_web_") as tmp:
        try:
            load = _serve_and_load(Path(tmp), patients, therapists)
        finally:
            _forget_queue()
    sign_in, mixed, today, bare = load["sign_in"], load["mixed"], load["today"], load["bare"]
    today_rps = today["pages"].get("Today (ratio phase)", {}).get("rps", 0.0)
    bare_rps = bare["pages"].get("bare view (ratio phase)", {}).get("rps", 0.0)
    ratio = today_rps / bare_rps if bare_rps else 0.0
    phases = (sign_in, mixed, today, bare)
    errors = sum(p["failures"] for p in phases) + load["server_tracebacks"]
    for phase in phases:
        for error in phase["errors"]:
            print(f"   error: {error['page']}: {error['error']} (x{error['occurrences']})")
    from programs.models import Completion

    expected_pages = {
        "Today",
        "mark an exercise done",
        "Progress",
        "caseload",
        "sign in: TOTP code",
    }
    figures = {
        "patients": PATIENTS,
        "pts": PTS,
        "gunicorn": " ".join(GUNICORN_ARGS),
        "seed_seconds": round(seed_seconds, 1),
        "collectstatic_seconds": load["collectstatic_seconds"],
        "sign_in_seconds_everyone": sign_in["seconds"],
        **{f"sign in phase {name}": line for name, line in _pages(sign_in).items()},
        "mixed_seconds": mixed["seconds"],
        "mixed_requests": mixed["requests"],
        "mixed_requests_per_second": mixed["rps"],
        **{f"mixed {name}": line for name, line in _pages(mixed).items()},
        "completions_today": Completion.objects.filter(
            session__local_date__gte=timezone.localdate() - timedelta(days=1)
        ).count(),
        **{f"ratio phase {name}": line for name, line in _pages(today).items()},
        **{f"ratio phase {name}": line for name, line in _pages(bare).items()},
        "today_requests_per_second": today_rps,
        "bare_requests_per_second": bare_rps,
        "ratio_today_to_bare": round(ratio, 2),
        "errors": errors,
    }
    return report(
        "web",
        figures,
        {
            "no errors (failed requests and server tracebacks)": errors == 0,
            "everyone signed in": sign_in["pages"].get("sign in: password", {}).get("requests")
            == PATIENTS + PTS,
            "every page of the scenario was requested": expected_pages <= set(mixed["pages"]),
        },
        timing={"Today at least 0.5x a bare view's throughput": ratio >= 0.5},
    )
