"""The production settings plus the benchmarks' floor views, for `make bench ONLY=web`.

gunicorn serves the app with these in bench_web: everything is therapy.settings as production
reads it from the environment (DEBUG=False, PostgreSQL, Redis, whitenoise), except that the URL
configuration also mounts bench/floors.py (the bare view the Today page is compared with) and
collectstatic writes into the benchmark's temporary folder.
"""

from therapy.settings import *  # noqa: F403
from therapy.settings import env

ROOT_URLCONF = "bench.urls"
STATIC_ROOT = env("BENCH_STATIC_ROOT")
# The same hashed names and whitenoise serving as production, without the gzip and Brotli copies
# (minutes of CPU for 1,400 files on 2 cores): the load requests pages, not static files.
STORAGES = {
    **STORAGES,  # noqa: F405
    "staticfiles": {"BACKEND": "therapy.storage.HashedStaticFilesStorage"},
}
