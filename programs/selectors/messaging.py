"""Reads of the care-team thread: one thread, the inbox, unread counts."""

from django.db.models import (
    Count,
    Func,
    IntegerField,
    OuterRef,
    QuerySet,
    Subquery,
    Value,
)
from django.db.models.functions import Coalesce
from django.http import Http404

from accounts.models import CareTeamLink, User
from accounts.selectors import patient_get_for_user, patient_list_for_user
from programs.models import Message, ThreadReadState
from therapy.permissions import scope_patient_records


def _may_message(user: User) -> bool:
    return bool(user.is_authenticated and (user.is_patient or user.is_therapist))


def message_sent_text(*, therapist: User | None, sent: bool = True) -> str:
    """Who will answer the patient, and when, told honestly: their PT, or while none is
    assigned, the care-coordination team (the staff queue at /triage/)."""
    first = "Message sent. " if sent else ""
    if therapist is not None:
        return (
            f"{first}Your physical therapist, {therapist.get_full_name()}, usually answers "
            "within one working day."
        )
    return (
        f"{first}You do not have a physical therapist yet. Our care-coordination team sees "
        "your messages on working days and will assign one, usually within one working day; "
        "your physical therapist will then answer here."
    )


def thread_get_for_user(*, user: User, patient_id: int) -> User:
    """The patient whose thread this is; 404 unless the user is them or on their care team."""
    if not _may_message(user):
        raise Http404("No such thread.")
    return patient_get_for_user(user=user, patient_id=patient_id)


def thread_messages(*, patient: User) -> QuerySet[Message]:
    return Message.objects.filter(patient=patient).select_related("sender").order_by("id")


def _unread_for(user: User) -> QuerySet[Message]:
    last_read = ThreadReadState.objects.filter(patient=OuterRef("patient"), user=user).values(
        "last_read_message_id"
    )[:1]
    return Message.objects.exclude(sender=user).filter(
        id__gt=Coalesce(Subquery(last_read), Value(0))
    )


def unread_count_for_user(*, user: User) -> int:
    """Unread messages across every thread the user takes part in; one query."""
    if not _may_message(user):
        return 0
    return scope_patient_records(_unread_for(user), user=user).count()


def unread_count_expression(*, user: User) -> Subquery | Value:
    """unread_count_for_user as a scalar subquery: a page annotates a query it makes anyway
    with it (the Today page's plan) instead of a query of its own for the navigation."""
    if not _may_message(user):
        return Value(0)
    rows = scope_patient_records(_unread_for(user), user=user).order_by()
    # COUNT as a plain function, not an aggregate: no GROUP BY, so one row, 0 when none.
    count = rows.annotate(n=Func("id", function="COUNT", output_field=IntegerField()))
    return Subquery(count.values("n"), output_field=IntegerField())


def thread_list_for_user(*, user: User) -> QuerySet[User]:
    """Threads with at least one message, newest activity first, each with its unread count."""
    if not _may_message(user):
        return User.objects.none()
    unread = (
        _unread_for(user)
        .filter(patient=OuterRef("pk"))
        .order_by()
        .values("patient")
        .annotate(n=Count("id"))
        .values("n")
    )
    latest = Message.objects.filter(patient=OuterRef("pk")).order_by("-id")
    return (
        patient_list_for_user(user=user)
        .annotate(
            unread_count=Coalesce(Subquery(unread, output_field=IntegerField()), Value(0)),
            last_message_at=Subquery(latest.values("created_at")[:1]),
            last_message_id=Subquery(latest.values("id")[:1]),
        )
        .filter(last_message_id__isnull=False)
        .order_by("-last_message_id")
    )


def unread_count_in_thread(*, user: User, patient: User) -> int:
    if not _may_message(user):
        return 0
    return scope_patient_records(_unread_for(user).filter(patient=patient), user=user).count()


def thread_participant_ids(*, patient: User) -> list[int]:
    """The patient and every PT on their active care team."""
    therapists = CareTeamLink.objects.filter(patient=patient, ended_at__isnull=True).values_list(
        "therapist_id", flat=True
    )
    return [patient.pk, *therapists]
