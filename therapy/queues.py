"""Celery's queues: the default one plus one each for reminders, roster imports and email.

Each routed queue is named after the default one ("therapy.reminders", ...), so a test or a
benchmark that picks a queue name of its own gets routed queues of its own too. A worker
started without -Q consumes every queue in `task_queues`; `-Q therapy.reminders` gives
reminders workers of their own (docs/operations.md, "Scaling out").
"""

from typing import Any

from kombu import Queue

# By the tasks' pinned names (`name=` in programs/tasks.py and accounts/tasks.py); every
# other task goes to the default queue.
TASKS_BY_QUEUE: dict[str, tuple[str, ...]] = {
    "reminders": (
        "programs.tasks.reminders_sweep_task",
        "programs.tasks.reminders_send_task",
        "programs.tasks.reminders_follow_profile_zone_task",
        "programs.tasks.visit_reminders_sweep_task",
        "programs.tasks.visit_reminders_send_task",
    ),
    "imports": (
        "accounts.tasks.roster_import_process_task",
        "accounts.tasks.roster_import_apply_task",
        "accounts.tasks.roster_uploads_sweep_task",
    ),
    "email": (
        "accounts.tasks.accounts_send_welcome_email_task",
        "accounts.tasks.accounts_send_password_reset_task",
        "accounts.tasks.accounts_send_invitation_email_task",
        "accounts.tasks.eligibility_review_email_task",
        "accounts.tasks.enrolment_link_email_task",
        "programs.tasks.message_notify_task",
        "programs.tasks.visit_notice_task",
        "programs.tasks.programs_send_alert_email_task",
        "programs.tasks.programs_send_alert_staff_email_task",
    ),
}


def queue_names(default: str) -> list[str]:
    """Every queue, the default first."""
    return [default, *(f"{default}.{kind}" for kind in TASKS_BY_QUEUE)]


def queue_settings(default: str) -> dict[str, Any]:
    """Celery's task_default_queue, task_queues and task_routes for a default queue name."""
    return {
        "task_default_queue": default,
        "task_queues": [Queue(name) for name in queue_names(default)],
        "task_routes": {
            task: {"queue": f"{default}.{kind}"}
            for kind, tasks in TASKS_BY_QUEUE.items()
            for task in tasks
        },
    }
