"""Shared pieces for the benchmarks: a throwaway database, timing, query counts, results."""

import json
import os
import statistics
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "bench" / "results"
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "therapy.settings")


def setup_django() -> None:
    import django

    django.setup()


@contextmanager
def benchmark_database() -> Iterator[None]:
    """A fresh test database (test_<name>), dropped afterwards, like the test suite's."""
    from django.db import connection
    from django.test.utils import setup_test_environment, teardown_test_environment

    setup_test_environment()
    old_name = connection.settings_dict["NAME"]
    connection.creation.create_test_db(verbosity=0, autoclobber=True)
    try:
        yield
    finally:
        connection.creation.destroy_test_db(old_name, verbosity=0)
        teardown_test_environment()


def median_seconds(fn: Callable[[], object], *, repeat: int, warmup: int = 5) -> float:
    for _ in range(warmup):
        fn()
    samples = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        samples.append(time.perf_counter() - start)
    return statistics.median(samples)


def count_queries(fn: Callable[[], object]) -> int:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as ctx:
        fn()
    return len(ctx.captured_queries)


def report(name: str, figures: dict, goals: dict[str, bool]) -> bool:
    """Print the figures and goals and write bench/results/<name>.json. True when all goals met."""
    RESULTS.mkdir(parents=True, exist_ok=True)
    payload = {"name": name, "figures": figures, "goals": goals}
    (RESULTS / f"{name}.json").write_text(json.dumps(payload, indent=2, default=str))
    print(f"== {name}")
    for key, value in figures.items():
        print(f"   {key}: {value}")
    for goal, met in goals.items():
        print(f"   goal {'MET ' if met else 'MISSED'}  {goal}")
    return all(goals.values())
