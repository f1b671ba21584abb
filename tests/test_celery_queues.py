"""Celery's queues (issue 14): reminders, roster imports and email each on a queue of their own,
and a worker started without -Q (make run, docker-compose, the tests' workers) takes them all.
tests/integration/test_queues_worker.py runs workers on one queue each."""

import redis
from django.conf import settings
from kombu import Producer

from therapy.celery import app as celery_app
from therapy.queues import DEFAULT_QUEUE_TASKS, TASKS_BY_QUEUE, queue_names, queue_settings

ROUTED = {task for tasks in TASKS_BY_QUEUE.values() for task in tasks}


def _our_tasks() -> set[str]:
    celery_app.loader.import_default_modules()
    return {
        name for name in celery_app.tasks if name.startswith(("programs.tasks.", "accounts.tasks."))
    }


def test_every_task_is_routed_or_listed_for_the_default_queue():
    # A new task must be given a queue on purpose (therapy/queues.py), never by omission.
    forgotten = _our_tasks() - ROUTED - set(DEFAULT_QUEUE_TASKS)
    assert not forgotten, f"add these to TASKS_BY_QUEUE or DEFAULT_QUEUE_TASKS: {forgotten}"


def test_every_routed_or_listed_name_is_a_task_and_has_one_queue():
    listed = [task for tasks in TASKS_BY_QUEUE.values() for task in tasks]
    listed += DEFAULT_QUEUE_TASKS
    assert len(listed) == len(set(listed))
    assert set(listed) <= _our_tasks(), set(listed) - _our_tasks()


def test_email_tasks_are_on_the_email_queue():
    emailing = {name for name in _our_tasks() if name.endswith("_email_task")}
    assert emailing
    assert emailing <= set(TASKS_BY_QUEUE["email"]), emailing - set(TASKS_BY_QUEUE["email"])


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
    assert routes["accounts.tasks.enrolment_confirm_email_task"] == {"queue": "therapy.email"}
    assert "programs.tasks.programs_alerts_evaluate_task" not in routes  # the default queue


def test_the_app_routes_by_name_to_the_tests_own_queues():
    default = celery_app.conf.task_default_queue  # the tests' own (tests/conftest.py)
    assert set(celery_app.amqp.queues.consume_from) == set(queue_names(default))
    router = celery_app.amqp.router
    route = router.route({}, "programs.tasks.reminders_send_task", (), {})
    assert route["queue"].name == f"{default}.reminders"
    route = router.route({}, "accounts.tasks.accounts_send_signup_attempt_email_task", (), {})
    assert route["queue"].name == f"{default}.email"
    route = router.route({}, "programs.tasks.programs_alerts_evaluate_task", (), {})
    assert route["queue"].name == default


def test_each_queue_has_an_exchange_and_routing_key_of_its_own():
    # What Celery makes for a queue it creates on demand (`-Q name` of an unknown queue), so a
    # queue declared by a worker and the same queue declared by the sender agree.
    for queue in celery_app.amqp.queues.values():
        assert (queue.exchange.name, queue.routing_key) == (queue.name, queue.name)
    made = celery_app.amqp.queues.new_missing("made-on-demand")
    assert (made.exchange.name, made.exchange.type, made.routing_key) == (
        "made-on-demand",
        "direct",
        "made-on-demand",
    )


def test_on_redis_a_message_for_one_queue_reaches_that_queue_only():
    # given: the tests' own queues, as the app declares them, empty (no worker runs here: the
    # tests that start one run last, tests/conftest.py)
    queues = list(celery_app.amqp.queues.values())
    client = redis.Redis.from_url(settings.REDIS_URL)
    with celery_app.connection_for_write() as conn:
        for queue in queues:
            queue(conn.default_channel).declare()
            queue(conn.default_channel).purge()
        try:
            # when: one message goes to each queue through its exchange and routing key
            producer = Producer(conn)
            for queue in queues:
                producer.publish(
                    {"for": queue.name}, exchange=queue.exchange, routing_key=queue.routing_key
                )
            # then: each queue holds exactly its own (bound alike, each would hold them all)
            assert [client.llen(q.name) for q in queues] == [1] * len(queues)
        finally:
            for queue in queues:
                queue(conn.default_channel).purge()
