"""Patient rights: a copy of everything held about me, and closing my account.

A closed account is deactivated at once (every session and API token ends). What happens to
the data afterwards is the retention sweep's (programs/services/records.py): the account data
here is erased after settings.CLOSED_ACCOUNT_RETENTION_DAYS, the person themself with the
clinical record, CLINICAL_RECORD_RETENTION_YEARS after their last activity. The audit trail
keeps the facts (ids, actions, times), never the data.
"""

from collections.abc import Iterator
from datetime import datetime

from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts.models import (
    ApiToken,
    Enrolment,
    MemberActivityMonth,
    MemberPainTrend,
    PatientProfile,
    User,
)
from accounts.selectors.privacy import patient_data_stream
from accounts.services.audit import Action, audit_record


def patient_data_export_stream(request: HttpRequest, *, patient: User) -> Iterator[str]:
    """The same export as JSON text in chunks (large records stream). Audited when asked."""
    audit_record(request_or_actor=request, patient_id=patient.pk, action=Action.EXPORT, obj=patient)
    return patient_data_stream(patient=patient, head={"generated_at": timezone.now().isoformat()})


def account_close(request: HttpRequest, *, patient: User) -> None:
    """Deactivate at once: no sign-in, no session, no token, no reminder or email after this
    (every sender checks `is_active`). The data stays until the retention sweep erases it."""
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


def account_data_erase(*, patient: User, now: datetime) -> dict[str, int]:
    """Erase what accounts holds about a closed patient outside the clinical record:
    credentials, second factors, the enrolment, the employer rollups, the phone number and
    the password. The caller owns the transaction. Returns rows deleted per model."""
    counts: dict[str, int] = {}
    for queryset in (
        ApiToken.objects.filter(user=patient),
        TOTPDevice.objects.filter(user=patient),
        StaticDevice.objects.filter(user=patient),  # its tokens cascade
        Enrolment.objects.filter(user=patient),
        MemberActivityMonth.objects.filter(patient=patient),
        MemberPainTrend.objects.filter(patient=patient),
    ):
        _, deleted = queryset.delete()
        for label, n in deleted.items():
            counts[label.lower()] = counts.get(label.lower(), 0) + n
    groups = User.groups.through.objects.filter(user=patient).delete()[0]
    permissions = User.user_permissions.through.objects.filter(user=patient).delete()[0]
    if groups:
        counts["accounts.user_groups"] = groups
    if permissions:
        counts["accounts.user_user_permissions"] = permissions
    PatientProfile.objects.filter(user=patient).update(phone="")
    patient.set_unusable_password()
    patient.account_data_erased_at = now
    patient.save(update_fields=["password", "account_data_erased_at"])
    return counts


def account_delete(*, patient: User) -> dict[str, int]:
    """Delete the person: the last step of erasing a closed patient, once the clinical
    record that points at them is gone. The caller owns the transaction."""
    _, deleted = patient.delete()
    return {label.lower(): n for label, n in deleted.items() if n}
