"""Celery's queues: the default one plus one each for reminders, roster imports and email.

Each routed queue is named after the default one ("therapy.reminders", ...), so a test or a
benchmark that picks a queue name of its own gets routed queues of its own too. A worker
started without -Q consumes every queue in `task_queues`; `-Q therapy.reminders` gives
reminders workers of their own (docs/operations.md, "Scaling out").
"""

from typing import Any

from kombu import Exchange, Queue

# By the tasks' pinned names (`name=` in programs/tasks.py and accounts/tasks.py). Every task
# is either routed here or listed in DEFAULT_QUEUE_TASKS; tests/test_celery_queues.py fails on
# a task that is in neither, so a new task's queue is always a decision.
TASKS_BY_QUEUE: dict[str, tuple[str, ...]] = {
    # Reminders and visit reminders, push included: the 08:00 peak must not wait behind others.
    "reminders": (
        "programs.tasks.reminders_sweep_task",
        "programs.tasks.reminders_send_task",
        "programs.tasks.reminders_follow_profile_zone_task",
        "programs.tasks.visit_reminders_sweep_task",
        "programs.tasks.visit_reminders_send_task",
    ),
    # A roster file holds a process for its whole length.
    "imports": (
        "accounts.tasks.roster_import_process_task",
        "accounts.tasks.roster_import_apply_task",
        "accounts.tasks.roster_uploads_sweep_task",
    ),
    # One email (or notice) each; waits on SMTP.
    "email": (
        "accounts.tasks.accounts_send_welcome_email_task",
        "accounts.tasks.accounts_send_password_reset_task",
        "accounts.tasks.accounts_send_signup_attempt_email_task",
        "accounts.tasks.accounts_send_invitation_email_task",
        "accounts.tasks.eligibility_review_email_task",
        "accounts.tasks.enrolment_link_email_task",
        "accounts.tasks.enrolment_confirm_email_task",
        "programs.tasks.message_notify_task",
        "programs.tasks.visit_notice_task",
        "programs.tasks.programs_send_alert_email_task",
        "programs.tasks.programs_send_alert_staff_email_task",
    ),
}

# The default queue's tasks: sweeps and batch work that send no email themselves (the alert
# emails they cause are tasks of their own, on the email queue).
DEFAULT_QUEUE_TASKS: tuple[str, ...] = (
    "programs.tasks.programs_alerts_sweep_task",
    "programs.tasks.programs_alerts_evaluate_task",
    "programs.tasks.programs_alerts_escalate_task",
    "programs.tasks.progression_sweep_task",
    "programs.tasks.progression_check_task",
    "programs.tasks.records_sweep_task",
    "accounts.tasks.activity_rollup_task",
)


def queue_names(default: str) -> list[str]:
    """Every queue, the default first."""
    return [default, *(f"{default}.{kind}" for kind in TASKS_BY_QUEUE)]


def _queue(name: str) -> Queue:
    # An exchange and routing key of the queue's own name, as Celery makes for a queue it
    # creates on demand. A bare Queue(name) would be bound to the default exchange with the
    # default routing key, like every other queue, and a message published to that exchange
    # would land in all of them.
    return Queue(name, Exchange(name), routing_key=name)


def queue_settings(default: str) -> dict[str, Any]:
    """Celery's task_default_queue, task_queues and task_routes for a default queue name."""
    return {
        "task_default_queue": default,
        "task_queues": [_queue(name) for name in queue_names(default)],
        "task_routes": {
            task: {"queue": f"{default}.{kind}"}
            for kind, tasks in TASKS_BY_QUEUE.items()
            for task in tasks
        },
    }
