"""Celery workers and sweeps in processes of their own, against the test database."""

import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

from django.db import connection

ROOT = Path(__file__).resolve().parents[2]
CELERY = str(Path(sys.executable).with_name("celery"))


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def process_env(*, queue: str, redis_url: str, email_port: int, **extra: str) -> dict[str, str]:
    """Environment for a child process that uses the test database (not the main one)."""
    db = connection.settings_dict
    url = f"postgres://{db['USER']}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"
    return {
        **os.environ,
        "DATABASE_URL": url,
        "REDIS_URL": redis_url,
        "CELERY_QUEUE": queue,
        "EMAIL_URL": f"smtp://127.0.0.1:{email_port}",
        "DEBUG": "True",
        **extra,
    }


def start_worker(
    env: dict[str, str], log: Path, *, queues: list[str] | None = None
) -> subprocess.Popen:
    """A worker on `queues` (`-Q`); without them, on every queue, as `make run` starts one."""
    command = [CELERY, "-A", "therapy", "worker", "--loglevel=INFO", "--concurrency=2"]
    if queues:
        command += ["-Q", ",".join(queues)]
    # A session of its own, so SIGKILL reaches the pool's children too.
    return subprocess.Popen(
        command,
        cwd=ROOT,
        env=env,
        stdout=log.open("ab"),
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )


def kill(process: subprocess.Popen, sig: int = signal.SIGKILL) -> None:
    os.killpg(process.pid, sig)
    process.wait(timeout=20)


def stop(process: subprocess.Popen) -> None:
    if process.poll() is None:
        os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            kill(process)


def sweep_in_process(env: dict[str, str], *, now_iso: str = "") -> subprocess.Popen:
    """`reminders_sweep()` in a separate Python process, as a second beat would run it."""
    code = (
        "import django, json; django.setup();"
        "from django.utils.dateparse import parse_datetime;"
        "from programs.services.reminders import reminders_sweep;"
        f"now = parse_datetime({now_iso!r}) if {now_iso!r} else None;"
        "r = reminders_sweep(now=now, batch_size=100);"
        "print(json.dumps({'claimed': r.claimed, 'created': r.created,"
        " 'requeued': r.requeued, 'messages': r.messages}))"
    )
    return subprocess.Popen(
        [sys.executable, "-c", code],
        cwd=ROOT,
        env={**env, "DJANGO_SETTINGS_MODULE": "therapy.settings"},
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def wait_until(predicate, *, timeout: float = 60.0, interval: float = 0.05) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return
        time.sleep(interval)
    raise AssertionError("condition not met in time")


def start_redis(port: int) -> subprocess.Popen:
    """A private Redis that a test may kill and restart without disturbing anyone else."""
    process = subprocess.Popen(
        [
            "redis-server",
            "--port",
            str(port),
            "--bind",
            "127.0.0.1",
            "--save",
            "",
            "--appendonly",
            "no",
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )

    def answers() -> bool:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.2):
                return True
        except OSError:
            return False

    wait_until(answers, timeout=10)
    return process
