"""Celery's queues (issue 14): reminders, roster imports and email each on a queue of their own,
and a worker started without -Q (make run, docker-compose, the tests' workers) takes them all."""

from therapy.celery import app as celery_app
from therapy.queues import TASKS_BY_QUEUE, queue_names, queue_settings


def test_every_routed_name_is_a_task():
    celery_app.loader.import_default_modules()
    routed = {task for tasks in TASKS_BY_QUEUE.values() for task in tasks}
    assert routed <= set(celery_app.tasks), routed - set(celery_app.tasks)


def test_routes_follow_the_default_queue_and_a_plain_worker_consumes_every_queue():
    conf = queue_settings("therapy")
    assert queue_names("therapy") == [
        "therapy",
        "therapy.reminders",
        "therapy.imports",
        "therapy.email",
    ]
    assert [q.name for q in conf["task_queues"]] == queue_names("therapy")
    routes = conf["task_routes"]
    assert routes["programs.tasks.reminders_send_task"] == {"queue": "therapy.reminders"}
    assert routes["accounts.tasks.roster_import_process_task"] == {"queue": "therapy.imports"}
    assert routes["accounts.tasks.accounts_send_password_reset_task"] == {"queue": "therapy.email"}
    assert "programs.tasks.programs_alerts_evaluate_task" not in routes  # the default queue


def test_the_app_routes_by_name_to_the_tests_own_queues():
    default = celery_app.conf.task_default_queue  # the tests' own (tests/conftest.py)
    router = celery_app.amqp.router
    route = router.route({}, "programs.tasks.reminders_send_task", (), {})
    assert route["queue"].name == f"{default}.reminders"
    route = router.route({}, "programs.tasks.programs_alerts_evaluate_task", (), {})
    assert route["queue"].name == default
