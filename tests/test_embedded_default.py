"""`make run`'s embedded default: the same code on SQLite and the filesystem broker.

Tests run on PostgreSQL, so PostgreSQL-only SQL (DISTINCT ON, say) would pass them and still
break the demo a newcomer starts first; this migrates and seeds a fresh SQLite file the way
`make run` does, in a subprocess with no DATABASE_URL or REDIS_URL of the tests'."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


@pytest.mark.integration
def test_make_runs_migrate_and_seed_demo_work_on_sqlite(tmp_path):
    env = {
        key: value
        for key, value in os.environ.items()
        if key not in {"DATABASE_URL", "REDIS_URL", "DJANGO_SETTINGS_MODULE"}
    }
    env.update(
        DATABASE_URL=f"sqlite:///{tmp_path / 'db.sqlite3'}",
        RUN_DIR=str(tmp_path / "run"),
        DEBUG="True",
    )
    for command in (["migrate", "--noinput"], ["seed_demo"]):
        done = subprocess.run(
            [sys.executable, "manage.py", *command],
            cwd=ROOT,
            env=env,
            capture_output=True,
            text=True,
            timeout=600,
        )
        assert done.returncode == 0, done.stderr[-3000:]
    assert "patient@demo.test" in done.stdout
