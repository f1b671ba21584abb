"""Celery entry points of programs: thin, idempotent, ids only.

Every task pins its name (name=), so moving code cannot rename it, and services queue tasks by
that name with `therapy.celery.task_send` instead of importing this module: the tasks import
their services at the top, and the import graph points one way."""

from celery import shared_task
from django.conf import settings

from programs import notifications
from programs.services import alerts, progression, records, reminders, visits


@shared_task(
    name="programs.tasks.message_notify_task",
    autoretry_for=(OSError,),
    retry_backoff=True,
    max_retries=5,
)
def message_notify_task(message_id: int) -> None:
    notifications.message_notification_send(message_id=message_id)


@shared_task(name="programs.tasks.visit_reminders_sweep_task")
def visit_reminders_sweep_task() -> None:

    visits.visit_reminders_sweep()


@shared_task(
    name="programs.tasks.visit_reminders_send_task",
    autoretry_for=(OSError,),
    retry_backoff=True,
    max_retries=5,
)
def visit_reminders_send_task(reminder_ids: list[int]) -> None:
    for reminder_id in reminder_ids:
        notifications.visit_reminder_send(reminder_id=reminder_id)


@shared_task(
    name="programs.tasks.visit_notice_task",
    autoretry_for=(OSError,),
    retry_backoff=True,
    max_retries=5,
)
def visit_notice_task(visit_id: int, change: str) -> None:
    notifications.visit_notice_send(visit_id=visit_id, change=change)


@shared_task(name="programs.tasks.reminders_sweep_task")
def reminders_sweep_task() -> None:

    reminders.reminders_sweep()


@shared_task(
    name="programs.tasks.reminders_send_task",
    bind=True,
    acks_late=True,
    reject_on_worker_lost=True,
    max_retries=None,
)
def reminders_send_task(self, delivery_ids: list[int]) -> None:
    """Idempotent: each delivery is locked and sent only while pending. The retry limit is
    kept on the delivery rows (REMINDERS_MAX_ATTEMPTS), so it also holds across redeliveries."""

    retry_ids = reminders.deliveries_send(delivery_ids=delivery_ids)
    if retry_ids:
        countdown = settings.REMINDERS_RETRY_BASE_SECONDS * 2**self.request.retries
        raise self.retry(args=[retry_ids], countdown=min(countdown, 3600))


SWEEP_BATCH = 500


@shared_task(name="programs.tasks.programs_alerts_sweep_task")
def programs_alerts_sweep_task() -> int:
    """Beat: fan the caseload out in batches of ids. Returns how many batches it queued."""

    ids = alerts.patients_on_caseloads()
    batches = [ids[i : i + SWEEP_BATCH] for i in range(0, len(ids), SWEEP_BATCH)]
    for batch in batches:
        programs_alerts_evaluate_task.delay(batch)
    return len(batches)


@shared_task(
    name="programs.tasks.programs_alerts_evaluate_task",
    autoretry_for=(OSError,),
    retry_backoff=True,
    max_retries=5,
)
def programs_alerts_evaluate_task(patient_ids: list[int]) -> None:

    alerts.alerts_evaluate(patient_ids=patient_ids)


@shared_task(
    name="programs.tasks.programs_send_alert_email_task",
    autoretry_for=(OSError,),
    retry_backoff=True,
    max_retries=5,
)
def programs_send_alert_email_task(alert_id: int) -> None:
    notifications.alert_email_send(alert_id=alert_id)


@shared_task(name="programs.tasks.records_sweep_task")
def records_sweep_task() -> dict:
    """Beat, daily: the retention sweep (programs/services/records.py). Patients that failed
    are logged and tried again next run; the others are erased regardless."""
    result = records.records_sweep()
    return {
        "account_data_erased": sorted(result.account_data_erased),
        "clinical_records_erased": sorted(result.clinical_records_erased),
        "failed": sorted(result.failed),
    }


@shared_task(
    name="programs.tasks.programs_send_alert_staff_email_task",
    autoretry_for=(OSError,),
    retry_backoff=True,
    max_retries=5,
)
def programs_send_alert_staff_email_task(alert_id: int) -> None:
    notifications.alert_staff_email_send(alert_id=alert_id)


@shared_task(name="programs.tasks.programs_alerts_escalate_task")
def programs_alerts_escalate_task() -> int:
    """Beat: urgent alerts unacknowledged for ALERT_ESCALATION_HOURS go to staff, once."""
    return len(alerts.alerts_escalate())


@shared_task(name="programs.tasks.reminders_follow_profile_zone_task")
def reminders_follow_profile_zone_task(patient_id: int) -> None:
    """The profile's zone changed: reminders follow it (queued by accounts, by name)."""
    reminders.reminders_follow_profile_zone(patient_id=patient_id)


@shared_task(name="programs.tasks.progression_sweep_task")
def progression_sweep_task() -> int:
    """Beat, weekly: every active plan's patients, in batches of ids. Returns the batches."""

    ids = progression.patients_with_active_plans()
    batches = [ids[i : i + SWEEP_BATCH] for i in range(0, len(ids), SWEEP_BATCH)]
    for batch in batches:
        progression_check_task.delay(batch)
    return len(batches)


@shared_task(
    name="programs.tasks.progression_check_task",
    autoretry_for=(OSError,),
    retry_backoff=True,
    max_retries=5,
)
def progression_check_task(patient_ids: list[int]) -> int:
    """Suggestions for these patients; safe to run twice. Returns how many it made."""

    return len(progression.progression_check(patient_ids=patient_ids))
