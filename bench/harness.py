"""Shared pieces for the benchmarks: a throwaway database, sizes, timing, query counts, results.

Smoke mode (`bench/run.py --smoke`, or BENCH_SMOKE=1): every benchmark at a small size, fewer
timing repeats, and only the deterministic goals (query counts, duplicates, index use, equality)
decide the exit status; timing goals are printed but not enforced (noise at small sizes).
"""

import json
import os
import statistics
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "bench" / "results"
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "therapy.settings")


def smoke() -> bool:
    return os.environ.get("BENCH_SMOKE", "") not in ("", "0", "false", "False")


def size(name: str, *, full: int, smoke_size: int) -> int:
    """A benchmark's size: the environment variable `name` when set, else the full or smoke
    default."""
    return int(os.environ.get(name) or (smoke_size if smoke() else full))


def repeats(full: int, *, smoke_repeats: int = 10) -> int:
    """Timing repeats: fewer in smoke mode, where the timings are not enforced."""
    return min(full, smoke_repeats) if smoke() else full


def setup_django() -> None:
    import django

    django.setup()


@contextmanager
def benchmark_database() -> Iterator[None]:
    """A fresh database (bench_<name>), dropped afterwards, made like the test suite's test_<name>
    but never that one: the benchmarks can run next to pytest on the same settings."""
    from django.db import connection
    from django.test.utils import setup_test_environment, teardown_test_environment

    setup_test_environment()
    old_name = connection.settings_dict["NAME"]
    connection.settings_dict.setdefault("TEST", {})["NAME"] = f"bench_{old_name}"
    connection.creation.create_test_db(verbosity=0, autoclobber=True)
    try:
        yield
    finally:
        connection.creation.destroy_test_db(old_name, verbosity=0)
        teardown_test_environment()


def logged_in_client(user: object) -> object:
    """A test client signed in as `user`, second factor included when the role needs one
    (tests.security_helpers.MfaClient: a confirmed TOTP device marked verified in the session)."""
    from tests.security_helpers import MfaClient

    client = MfaClient()
    client.force_login(user)
    return client


def sessions_history_insert(
    cursor: object, ids: list[int], first_day: object, last_day: object
) -> None:
    """Point each patient's plan at its version and give them finished sessions on about 7 days
    in 10 between the two dates, in SQL (the benchmarks' seeds: ORM rows would take minutes)."""
    cursor.execute(  # type: ignore[attr-defined]
        "UPDATE programs_plan p SET current_version_id = v.id FROM programs_planversion v "
        "WHERE v.plan_id = p.id AND p.patient_id = ANY(%s)",
        [ids],
    )
    cursor.execute(  # type: ignore[attr-defined]
        "INSERT INTO programs_exercisesession "
        "(patient_id, plan_version_id, local_date, started_at, finished_at) "
        "SELECT p.patient_id, p.current_version_id, d::date, d + interval '18 hours', "
        "d + interval '18 hours 20 minutes' FROM programs_plan p "
        "CROSS JOIN generate_series(%s::date, %s::date, interval '1 day') d "
        "WHERE p.patient_id = ANY(%s) "
        "AND abs(hashtext(p.patient_id::text || d::text)) %% 10 < 7",
        [first_day, last_day, ids],
    )


def median_seconds(fn: Callable[[], object], *, repeat: int, warmup: int = 5) -> float:
    repeat = repeats(repeat)
    warmup = min(warmup, repeat)
    for _ in range(warmup):
        fn()
    samples = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        samples.append(time.perf_counter() - start)
    return statistics.median(samples)


def count_queries(fn: Callable[[], object]) -> int:
    """The queries of one call of `fn`, right after an uncounted call.

    The uncounted call keeps the count to the page's own work: a signed-in session is saved
    when its last-seen time is 30 s old (therapy.middleware.SessionIdleTimeoutMiddleware), so
    a client last used before a long step of the benchmark counted the session write too (the
    caseload page at 50 patients read as 12 queries, at 5,000 as 9)."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    fn()
    with CaptureQueriesContext(connection) as ctx:
        fn()
    return len(ctx.captured_queries)


def ok(response: object) -> object:
    """The response, after checking it is a 200: a benchmark of a 403 or a 302 measures nothing."""
    status = response.status_code  # type: ignore[attr-defined]
    if status != 200:
        path = response.request["PATH_INFO"]  # type: ignore[attr-defined]
        raise AssertionError(f"{path} answered {status}, not 200")
    return response


@dataclass(frozen=True)
class Outcome:
    met: bool  # every enforced goal met (in smoke mode the timing goals are not enforced)
    deterministic_met: bool  # the goals that must hold at any size


def report(name: str, figures: dict, goals: dict[str, bool], *, timing: dict[str, bool]) -> Outcome:
    """Print the figures and goals and write bench/results/<name>.json.

    `goals` are deterministic (query counts, duplicates, index use, equality); `timing` goals
    compare timings and are printed but not enforced in smoke mode."""
    RESULTS.mkdir(parents=True, exist_ok=True)
    payload = {
        "name": name,
        "smoke": smoke(),
        "figures": figures,
        "goals": goals,
        "timing_goals": timing,
    }
    (RESULTS / f"{name}.json").write_text(json.dumps(payload, indent=2, default=str))
    print(f"== {name}{' (smoke size)' if smoke() else ''}")
    for key, value in figures.items():
        print(f"   {key}: {value}")
    for goal, met in goals.items():
        print(f"   goal {'MET ' if met else 'MISSED'}  {goal}")
    for goal, met in timing.items():
        note = " (a ratio: not enforced in smoke mode)" if smoke() else ""
        print(f"   goal {'MET ' if met else 'MISSED'}  {goal}{note}")
    sys.stdout.flush()
    deterministic = all(goals.values())
    return Outcome(
        met=deterministic and (smoke() or all(timing.values())), deterministic_met=deterministic
    )
