"""The audit trail: who read or changed which patient's data, when, from where.

Other apps call two functions, from views and APIs (where the request is known):

    audit_record(request_or_actor=request, patient_id=plan.patient_id,
                 action=AuditEvent.Action.UPDATE, obj=plan)
    audit_read(request, patient_id=note.patient_id, obj=note)           # one object shown
    audit_read_many(request, objects=page, patient_attr="patient_id")  # a list shown

Rows carry ids, never the data itself (no names, no free text), so the audit is not a second
copy of the health record. See docs/security.md.
"""

import csv
from collections.abc import Iterable, Iterator
from datetime import datetime
from typing import TYPE_CHECKING, Any

from django.db.models import Model, QuerySet
from django.http import HttpRequest

from accounts.models import AuditEvent, User
from therapy.client_ip import client_ip

if TYPE_CHECKING:
    from rest_framework.request import Request

Action = AuditEvent.Action


def _object_ref(obj: Model | None) -> tuple[str, str]:
    if obj is None:
        return "", ""
    return obj._meta.label_lower, str(obj.pk)


def _event(
    *,
    request_or_actor: "HttpRequest | Request | User | None",
    patient_id: int | None,
    action: str,
    obj: Model | None = None,
) -> AuditEvent:
    actor: User | None
    ip: str | None = None
    request_id = ""
    if request_or_actor is None or isinstance(request_or_actor, User):
        actor = request_or_actor
    else:
        request = request_or_actor
        user = getattr(request, "user", None)
        actor = user if user is not None and user.is_authenticated else None
        ip = client_ip(request)
        request_id = getattr(request, "request_id", "") or ""
    object_type, object_id = _object_ref(obj)
    return AuditEvent(
        actor=actor,
        actor_role=actor.role if actor is not None else "",
        patient_id=patient_id,
        action=action,
        object_type=object_type,
        object_id=object_id,
        ip_address=ip,
        request_id=request_id[:64],
    )


def audit_record(
    *,
    request_or_actor: "HttpRequest | Request | User | None",
    patient_id: int | None,
    action: str,
    obj: Model | None = None,
) -> AuditEvent:
    """Append one event. Pass the request when there is one (it gives the IP and request id);
    pass a User (or None for the system) from Celery tasks and management commands."""
    event = _event(request_or_actor=request_or_actor, patient_id=patient_id, action=action, obj=obj)
    event.save(force_insert=True)
    return event


def audit_read(request: "HttpRequest | Request", *, patient_id: int, obj: Model) -> AuditEvent:
    return audit_record(
        request_or_actor=request, patient_id=patient_id, action=Action.READ, obj=obj
    )


def audit_read_many(
    request: "HttpRequest | Request", *, objects: Iterable[Model], patient_attr: str = "patient_id"
) -> int:
    """One READ event per object shown in a list, written in a single INSERT."""
    events = [
        _event(
            request_or_actor=request,
            patient_id=getattr(obj, patient_attr),
            action=Action.READ,
            obj=obj,
        )
        for obj in objects
    ]
    AuditEvent.objects.bulk_create(events)
    return len(events)


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


CSV_COLUMNS = [
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
    yield writer.writerow(CSV_COLUMNS)
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


# --- sign-in events (connected in AccountsConfig.ready) ------------------------------------
def _on_login(sender: object, request: HttpRequest | None, user: User, **_: object) -> None:
    audit_record(request_or_actor=request or user, patient_id=None, action=Action.LOGIN, obj=user)


def _on_logout(sender: object, request: HttpRequest | None, user: User | None, **_: object) -> None:
    if user is not None:
        audit_record(
            request_or_actor=request or user, patient_id=None, action=Action.LOGOUT, obj=user
        )


def _on_login_failed(
    sender: object, credentials: dict, request: HttpRequest | None = None, **_: object
) -> None:
    # The typed email is not stored; the account it names is, when there is one.
    username = str(credentials.get("username") or credentials.get("email") or "")
    target = User.objects.filter(email__iexact=username).first() if username else None
    audit_record(request_or_actor=request, patient_id=None, action=Action.LOGIN_FAILED, obj=target)


def _on_locked_out(sender: object, request: HttpRequest, username: str, **_: object) -> None:
    target = User.objects.filter(email__iexact=username).first() if username else None
    audit_record(request_or_actor=request, patient_id=None, action=Action.LOCKED_OUT, obj=target)


def connect_auth_signals() -> None:
    from axes.signals import user_locked_out
    from django.contrib.auth import signals

    signals.user_logged_in.connect(_on_login, dispatch_uid="audit_login")
    signals.user_logged_out.connect(_on_logout, dispatch_uid="audit_logout")
    signals.user_login_failed.connect(_on_login_failed, dispatch_uid="audit_login_failed")
    user_locked_out.connect(_on_locked_out, dispatch_uid="audit_locked_out")
