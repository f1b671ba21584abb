"""Reading the audit trail: the staff search, a patient's access log, the CSV export."""

import csv
from collections.abc import Iterator
from datetime import datetime
from typing import TYPE_CHECKING, Any

from django.db.models import QuerySet

from accounts.models import AuditEvent, User

if TYPE_CHECKING:
    pass


# --- reading the audit ------------------------------------------------------------------
def audit_event_search(
    *,
    actor_email: str = "",
    patient_id: int | None = None,
    action: str = "",
    since: datetime | None = None,
    until: datetime | None = None,
) -> QuerySet[AuditEvent]:
    """Staff search. Callers check that the user is operations staff."""
    events = AuditEvent.objects.select_related("actor")
    if actor_email:
        events = events.filter(actor__email__iexact=actor_email.strip())
    if patient_id is not None:
        events = events.filter(patient_id=patient_id)
    if action:
        events = events.filter(action=action)
    if since is not None:
        events = events.filter(at__gte=since)
    if until is not None:
        events = events.filter(at__lt=until)
    return events.order_by("-at", "-id")


def audit_access_log_for_patient(*, patient: User) -> QuerySet[AuditEvent]:
    """Who touched this patient's record: every event naming them, newest first."""
    return (
        AuditEvent.objects.filter(patient_id=patient.pk)
        .select_related("actor")
        .order_by("-at", "-id")
    )


# The columns of an audit event, in the CSV export and in the API.
EVENT_COLUMNS = [
    "id",
    "at",
    "actor_id",
    "actor_email",
    "actor_role",
    "patient_id",
    "action",
    "object_type",
    "object_id",
    "ip_address",
    "request_id",
]


class _Echo:
    def write(self, value: str) -> str:
        return value


def audit_csv_lines(events: QuerySet[AuditEvent]) -> Iterator[str]:
    """The events as CSV lines, streamed in chunks so a large export stays flat in memory."""
    writer = csv.writer(_Echo())
    yield writer.writerow(EVENT_COLUMNS)
    for event in events.iterator(chunk_size=2000):
        row: list[Any] = [
            event.pk,
            event.at.isoformat(),
            event.actor_id or "",
            event.actor.email if event.actor_id and event.actor else "",
            event.actor_role,
            event.patient_id or "",
            event.action,
            event.object_type,
            event.object_id,
            event.ip_address or "",
            event.request_id,
        ]
        # A spreadsheet must not run what it reads: neutralise formula-looking cells.
        yield writer.writerow(
            [f"'{v}" if isinstance(v, str) and v[:1] in "=+-@\t\r" else v for v in row]
        )
