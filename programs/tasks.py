from celery import shared_task

from programs import notifications
from programs.services import alerts

SWEEP_BATCH = 500


@shared_task
def programs_alerts_sweep_task() -> int:
    """Beat: fan the caseload out in batches of ids. Returns how many batches it queued."""
    ids = alerts.patients_on_caseloads()
    batches = [ids[i : i + SWEEP_BATCH] for i in range(0, len(ids), SWEEP_BATCH)]
    for batch in batches:
        programs_alerts_evaluate_task.delay(batch)
    return len(batches)


@shared_task(autoretry_for=(OSError,), retry_backoff=True, max_retries=5)
def programs_alerts_evaluate_task(patient_ids: list[int]) -> None:
    alerts.alerts_evaluate(patient_ids=patient_ids)


@shared_task(autoretry_for=(OSError,), retry_backoff=True, max_retries=5)
def programs_send_alert_email_task(alert_id: int) -> None:
    notifications.alert_email_send(alert_id=alert_id)
