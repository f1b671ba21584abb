import os
from pathlib import Path

from celery import Celery
from celery.signals import worker_init

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "therapy.settings")

app = Celery("therapy")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()


def ensure_broker_folders() -> None:
    """The filesystem transport needs its folders to exist before anyone connects."""
    options = app.conf.broker_transport_options or {}
    for key in ("data_folder_in", "data_folder_out", "processed_folder", "control_folder"):
        if options.get(key):
            Path(options[key]).mkdir(parents=True, exist_ok=True)


ensure_broker_folders()


@worker_init.connect
def _worker_init(**_: object) -> None:
    ensure_broker_folders()
    # Import the URLconf (every view module) once here, before the pool forks: otherwise each
    # pool process pays 1 to 2 s for it in its first task that builds a link (a reminder's).
    from django.urls import get_resolver

    get_resolver().url_patterns  # noqa: B018 - the import is the point


def task_send(name: str, *args: object) -> None:
    """Queue the task registered under `name` (every task pins its name with `name=`).

    Services queue work by name instead of importing `tasks.py`: the tasks import the services
    they call, so the import graph points one way and no cycle can form. Call it inside
    `transaction.on_commit`, so that the worker sees the committed rows."""
    app.send_task(name, args=args)
