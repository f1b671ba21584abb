"""Celery entry points of accounts: thin, idempotent, ids only.

Every task pins its name (name=): services queue them by that name with
`therapy.celery.task_send`, so tasks may import services at the top without a cycle."""

from celery import shared_task

from accounts import notifications
from accounts.services.employer import activity_rollup_catch_up, employer_periods_close_due
from accounts.services.rosters import (
    roster_import_apply_confirmed,
    roster_import_process,
    roster_uploads_sweep,
)


@shared_task(
    name="accounts.tasks.accounts_send_welcome_email_task",
    autoretry_for=(OSError,),
    retry_backoff=True,
    max_retries=5,
)
def accounts_send_welcome_email_task(user_id: int) -> None:
    notifications.welcome_email_send(user_id=user_id)


@shared_task(
    name="accounts.tasks.accounts_send_password_reset_task",
    autoretry_for=(OSError,),
    retry_backoff=True,
    max_retries=5,
)
def accounts_send_password_reset_task(user_id: int, base_url: str) -> None:
    notifications.password_reset_email_send(user_id=user_id, base_url=base_url)


@shared_task(
    name="accounts.tasks.accounts_send_signup_attempt_email_task",
    autoretry_for=(OSError,),
    retry_backoff=True,
    max_retries=5,
)
def accounts_send_signup_attempt_email_task(user_id: int) -> None:
    notifications.signup_attempt_email_send(user_id=user_id)


@shared_task(name="accounts.tasks.roster_import_process_task")
def roster_import_process_task(import_id: int) -> None:

    roster_import_process(import_id=import_id)


@shared_task(name="accounts.tasks.roster_import_apply_task")
def roster_import_apply_task(import_id: int) -> None:

    roster_import_apply_confirmed(import_id=import_id)


@shared_task(
    name="accounts.tasks.eligibility_review_email_task",
    autoretry_for=(OSError,),
    retry_backoff=True,
    max_retries=5,
)
def eligibility_review_email_task(review_id: int) -> None:
    notifications.eligibility_review_email_send(review_id=review_id)


@shared_task(name="accounts.tasks.activity_rollup_task")
def activity_rollup_task() -> int:
    """Roll up every closed day not rolled yet (beat runs it hourly; a rerun finds nothing), then
    close the latest ended month for every sponsor (the figures employers see)."""

    rolled = activity_rollup_catch_up()
    employer_periods_close_due()
    return rolled


@shared_task(name="accounts.tasks.roster_uploads_sweep_task")
def roster_uploads_sweep_task() -> int:
    """Delete uploaded roster files of finished imports that are still on disk (daily)."""

    return roster_uploads_sweep()


@shared_task(
    name="accounts.tasks.enrolment_link_email_task",
    autoretry_for=(OSError,),
    retry_backoff=True,
    max_retries=5,
)
def enrolment_link_email_task(entry_id: int) -> None:
    notifications.enrolment_link_email_send(entry_id=entry_id)


@shared_task(
    name="accounts.tasks.accounts_send_invitation_email_task",
    autoretry_for=(OSError,),
    retry_backoff=True,
    max_retries=5,
)
def accounts_send_invitation_email_task(invitation_id: int) -> None:
    notifications.invitation_email_send(invitation_id=invitation_id)


@shared_task(
    name="accounts.tasks.enrolment_confirm_email_task",
    autoretry_for=(OSError,),
    retry_backoff=True,
    max_retries=5,
)
def enrolment_confirm_email_task(pending_id: str) -> None:
    notifications.enrolment_confirm_email_send(pending_id=pending_id)
