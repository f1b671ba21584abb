"""Patient rights: a copy of everything held about me, and closing my account.

A closed account is deactivated at once (every session and API token ends), kept for
settings.CLOSED_ACCOUNT_RETENTION_DAYS, then erased by the Celery beat task
`accounts_erase_closed_accounts_task`. The audit trail keeps the facts (ids, actions, times).
"""

from datetime import timedelta
from typing import Any

from django.conf import settings
from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone

from accounts.models import ApiToken, User
from accounts.selectors.privacy import patient_data
from accounts.services.audit import Action, audit_record


def patient_data_export(request: HttpRequest, *, patient: User) -> dict[str, Any]:
    """Everything held about `patient`, as JSON-ready data. The export itself is audited."""
    data = {
        "generated_at": timezone.now().isoformat(),
        **patient_data(patient=patient),
    }
    audit_record(request_or_actor=request, patient_id=patient.pk, action=Action.EXPORT, obj=patient)
    return data


def account_close(request: HttpRequest, *, patient: User) -> None:
    """Deactivate at once; the data stays for the retention period, then is erased."""
    with transaction.atomic():
        User.objects.filter(pk=patient.pk).update(
            is_active=False,
            closed_at=timezone.now(),
            session_generation=patient.session_generation + 1,
        )
        ApiToken.objects.filter(user=patient).delete()
        audit_record(
            request_or_actor=request,
            patient_id=patient.pk,
            action=Action.ACCOUNT_CLOSED,
            obj=patient,
        )


def closed_accounts_erase(*, now: Any = None, batch_size: int = 200) -> int:
    """Erase the accounts closed longer ago than the retention period. Safe to run twice."""
    now = now or timezone.now()
    cutoff = now - timedelta(days=settings.CLOSED_ACCOUNT_RETENTION_DAYS)
    erased = 0
    ids = list(
        User.objects.filter(
            role=User.Role.PATIENT, is_active=False, closed_at__lt=cutoff
        ).values_list("pk", flat=True)[:batch_size]
    )
    for user_id in ids:
        with transaction.atomic():
            user = User.objects.select_for_update(skip_locked=True).filter(pk=user_id).first()
            if user is None:
                continue
            audit_record(
                request_or_actor=None,
                patient_id=user_id,
                action=Action.ERASED,
                obj=user,
            )
            user.delete()
            erased += 1
    return erased
