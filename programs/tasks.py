"""Celery entry points of programs: thin, idempotent, ids only."""

from celery import shared_task
from django.conf import settings

from programs import notifications
from programs.services import reminders, visits


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


@shared_task
def reminders_sweep_task() -> None:
    reminders.reminders_sweep()


@shared_task(bind=True, acks_late=True, reject_on_worker_lost=True, max_retries=None)
def reminders_send_task(self, delivery_ids: list[int]) -> None:
    """Idempotent: each delivery is locked and sent only while pending. The retry limit is
    kept on the delivery rows (REMINDERS_MAX_ATTEMPTS), so it also holds across redeliveries."""
    retry_ids = reminders.deliveries_send(delivery_ids=delivery_ids)
    if retry_ids:
        countdown = settings.REMINDERS_RETRY_BASE_SECONDS * 2**self.request.retries
        raise self.retry(args=[retry_ids], countdown=min(countdown, 3600))
