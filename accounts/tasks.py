from celery import shared_task

from accounts import notifications


@shared_task(autoretry_for=(OSError,), retry_backoff=True, max_retries=5)
def accounts_send_welcome_email_task(user_id: int) -> None:
    notifications.welcome_email_send(user_id=user_id)


@shared_task(autoretry_for=(OSError,), retry_backoff=True, max_retries=5)
def accounts_send_password_reset_task(user_id: int, base_url: str) -> None:
    notifications.password_reset_email_send(user_id=user_id, base_url=base_url)


@shared_task
def accounts_erase_closed_accounts_task() -> int:
    """Beat, daily: erase accounts whose retention period after closing has passed."""
    from accounts.privacy import closed_accounts_erase

    return closed_accounts_erase()
