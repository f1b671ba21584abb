from celery import shared_task
from django.conf import settings

from programs.services import reminders


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
