"""Today against the bare view, in process: `python bench/today_inprocess.py [N]`.

The same seed as bench_web (its own bench_<db> database, dropped afterwards), DEBUG=False from
the environment, Django's test client signed in as one patient: N Today requests and N bare ones,
the median and mean of each, their ratio, and the queries each makes. No network and no
gunicorn, so the figure is each page's own CPU and database time (docs/operations.md).
"""

import os
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "therapy.settings")

from bench.harness import benchmark_database, setup_django


def _time(client: object, url: str, n: int) -> list[float]:
    out = []
    for _ in range(n):
        start = time.perf_counter()
        response = client.get(url, secure=True)  # type: ignore[attr-defined]
        out.append(time.perf_counter() - start)
        assert response.status_code == 200, (url, response.status_code)
    return out


def main(n: int) -> None:
    setup_django()
    from django.conf import settings
    from django.db import connection
    from django.test import Client, override_settings
    from django.test.utils import CaptureQueriesContext

    # Plain static URLs: no collectstatic (and so no manifest) in this quick check.
    storages = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }
    with benchmark_database(), override_settings(ROOT_URLCONF="bench.urls", STORAGES=storages):
        from accounts.models import User
        from bench.bench_web import _seed

        emails, _ = _seed()
        # The test environment wraps template rendering to record contexts for assertions:
        # production does not, so neither does this measurement.
        from django.template import Template
        from django.test.utils import _TestState

        instrumented, Template._render = Template._render, _TestState.saved_data.template_render
        client = Client()
        client.force_login(User.objects.get(email=emails[0]))
        for url in ("/today/", "/bench/bare/"):
            _time(client, url, 5)
            with CaptureQueriesContext(connection) as queries:
                client.get(url, secure=True)
            print(f"{url}: {len(queries)} queries")
            if os.environ.get("SHOW_SQL"):
                for q in queries:
                    print("   ", q["sql"][: int(os.environ["SHOW_SQL"])])
        if os.environ.get("PROFILE"):  # where Today's time goes, by cumulative time
            import cProfile
            import pstats

            profile = cProfile.Profile()
            profile.runcall(_time, client, "/today/", 50)
            pstats.Stats(profile).sort_stats("cumulative").print_stats(int(os.environ["PROFILE"]))
            Template._render = instrumented
            return
        today, bare = [], []
        for _ in range(n // 20):  # interleaved, so both see the same machine load
            today += _time(client, "/today/", 20)
            bare += _time(client, "/bench/bare/", 20)
        for name, xs in (("today", today), ("bare", bare)):
            print(
                f"{name}: median {statistics.median(xs) * 1000:.1f} ms, "
                f"mean {statistics.fmean(xs) * 1000:.1f} ms over {len(xs)}"
            )
        ratio = statistics.median(bare) / statistics.median(today)
        print(f"ratio (bare/today, medians): {ratio:.2f}x")
        Template._render = instrumented


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 200)
