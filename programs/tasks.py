"""Celery entry points of programs: thin, idempotent, ids only."""

from celery import shared_task

from programs import notifications
from programs.services import visits


@shared_task(autoretry_for=(OSError,), retry_backoff=True, max_retries=5)
def message_notify_task(message_id: int) -> None:
    notifications.message_notification_send(message_id=message_id)


@shared_task
def visit_reminders_sweep_task() -> None:
    visits.visit_reminders_sweep()


@shared_task(autoretry_for=(OSError,), retry_backoff=True, max_retries=5)
def visit_reminders_send_task(reminder_ids: list[int]) -> None:
    for reminder_id in reminder_ids:
        notifications.visit_reminder_send(reminder_id=reminder_id)


@shared_task(autoretry_for=(OSError,), retry_backoff=True, max_retries=5)
def visit_notice_task(visit_id: int, change: str) -> None:
    notifications.visit_notice_send(visit_id=visit_id, change=change)
