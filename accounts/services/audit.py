"""The audit trail: who read or changed which patient's data, when, from where.

Other apps call two functions, from views and APIs (where the request is known):

    audit_record(request_or_actor=request, patient_id=plan.patient_id,
                 action=AuditEvent.Action.UPDATE, obj=plan)
    audit_read(request, patient_id=note.patient_id, obj=note)           # one object shown
    audit_read_many(request, objects=page, patient_attr="patient_id")  # a list shown

Rows carry ids, never the data itself (no names, no free text), so the audit is not a second
copy of the health record. See docs/security.md."""

import functools
from collections.abc import Iterable
from typing import TYPE_CHECKING, cast

from django.db import connection, transaction
from django.db.models import Field, Model
from django.http import HttpRequest
from django.utils import timezone

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
    channel: str = "",
) -> AuditEvent:
    actor: User | None
    ip: str | None = None
    request_id = channel
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


@functools.cache
def _insert_sql(vendor: str) -> tuple[str, tuple[Field, ...], bool]:
    """One event's INSERT, from the model's fields, and whether it returns the new id."""
    quote = connection.ops.quote_name
    fields = tuple(f for f in AuditEvent._meta.concrete_fields if not f.primary_key)
    columns = ", ".join(quote(cast(str, f.column)) for f in fields)
    placeholders = ", ".join(["%s"] * len(fields))
    returning = connection.features.can_return_columns_from_insert
    # Names from the model, values as parameters.
    sql = f"INSERT INTO {quote(AuditEvent._meta.db_table)} ({columns}) VALUES ({placeholders})"  # noqa: S608
    if returning:
        sql += f" RETURNING {quote(cast(str, AuditEvent._meta.pk.column))}"
    return sql, fields, returning


def _insert(event: AuditEvent) -> None:
    """event.save(force_insert=True) without building and compiling the INSERT each time
    (about a third of the cost of a page's audit row): the same statement, values prepared
    by the same field methods, executed in the caller's transaction, or committed at once
    in autocommit, before the caller goes on."""
    sql, fields, returning = _insert_sql(connection.vendor)
    params = [f.get_db_prep_save(f.pre_save(event, add=True), connection) for f in fields]
    # As Model.save: a failed insert inside an atomic block marks it for rollback.
    with transaction.mark_for_rollback_on_error(connection.alias), connection.cursor() as cursor:
        cursor.execute(sql, params)
        event.pk = cursor.fetchone()[0] if returning else cursor.lastrowid
    event._state.adding = False
    event._state.db = connection.alias


def audit_record(
    *,
    request_or_actor: "HttpRequest | Request | User | None",
    patient_id: int | None,
    action: str,
    obj: Model | None = None,
    object_type: str = "",
    channel: str = "",
) -> AuditEvent:
    """Append one event. Pass the request when there is one (it gives the IP and request id);
    pass a User (or None for the system) from Celery tasks and management commands, with
    `channel` naming the command (kept where a request's id would be).
    `object_type` names what the event is about when there is no object (e.g. what an
    erasure removed)."""
    event = _event(
        request_or_actor=request_or_actor,
        patient_id=patient_id,
        action=action,
        obj=obj,
        channel=channel,
    )
    if object_type:
        event.object_type = object_type
    _insert(event)
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


def audit_read_patients(request: "HttpRequest | Request", *, patient_ids: list[int]) -> int:
    """A READ event per patient record shown in a list (as audit_read_many over the users),
    from ids: the request's actor, address and id are worked out once, not per row. On
    PostgreSQL one INSERT over the array of ids, with no model instance per row: building
    and compiling those was most of the patient list API's own time."""
    if not patient_ids:
        return 0
    template = _event(request_or_actor=request, patient_id=None, action=Action.READ)
    object_type = User._meta.label_lower
    if connection.vendor != "postgresql":
        AuditEvent.objects.bulk_create(
            AuditEvent(
                actor_id=template.actor_id,
                actor_role=template.actor_role,
                patient_id=patient_id,
                action=Action.READ,
                object_type=object_type,
                object_id=str(patient_id),
                ip_address=template.ip_address,
                request_id=template.request_id,
            )
            for patient_id in patient_ids
        )
        return len(patient_ids)
    with connection.cursor() as cursor:
        cursor.execute(
            """
            INSERT INTO accounts_auditevent (at, actor_id, actor_role, patient_id,
                action, object_type, object_id, ip_address, request_id)
            SELECT %s::timestamptz, %s::bigint, %s, ids.id, %s, %s, ids.id::text, %s::inet, %s
            FROM unnest(%s::bigint[]) WITH ORDINALITY AS ids(id, n) ORDER BY ids.n
            """,
            [
                timezone.now(),
                template.actor_id,
                template.actor_role,
                Action.READ.value,
                object_type,
                template.ip_address,
                template.request_id,
                list(patient_ids),
            ],
        )
    return len(patient_ids)


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
