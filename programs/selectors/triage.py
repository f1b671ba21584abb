"""Reads of the staff care-coordination queue: the patients no PT owns yet, and the alerts no
PT owns (or that waited too long). Staff only; everyone else gets 404."""

from dataclasses import dataclass
from typing import Any

from django.db.models import Count, Exists, Max, OuterRef, Q
from django.http import Http404

from accounts.models import CareTeamLink, User
from programs.models import Alert, Intake, Message


@dataclass(frozen=True)
class TriagePatient:
    patient: User
    state: str
    time_zone: str
    phone: str
    has_intake: bool
    red_flag_tier: str
    open_urgent_alerts: int
    messages_waiting: int
    last_message_at: object
    therapists: list[User]


@dataclass(frozen=True)
class TriageQueue:
    patients: list[TriagePatient]
    alerts: list[Alert]


def _require_staff(user: User) -> None:
    if not (user.is_authenticated and user.is_active and user.is_operations_staff):
        raise Http404("No such page.")


def therapists_for_state(*, state: str) -> list[User]:
    """Active PTs licensed in `state`, those accepting patients first."""
    return list(
        User.objects.filter(
            role=User.Role.THERAPIST, is_active=True, therapist_profile__license_state=state
        )
        .select_related("therapist_profile")
        .order_by("-therapist_profile__accepting_patients", "last_name", "pk")
    )


def triage_queue(*, user: User) -> TriageQueue:
    """Patients without a primary PT (most urgent first), and open alerts without an owner or
    escalated to staff. Staff only."""
    _require_staff(user)
    has_pt = CareTeamLink.objects.filter(
        patient=OuterRef("pk"), is_primary=True, ended_at__isnull=True
    )
    patients = list(
        User.objects.filter(role=User.Role.PATIENT, is_active=True, closed_at__isnull=True)
        .alias(has_pt=Exists(has_pt))
        .filter(has_pt=False)
        .select_related("patient_profile")
        .annotate(
            urgent=Count(
                "alerts",
                filter=Q(
                    alerts__acknowledged_at__isnull=True,
                    alerts__severity=Alert.Severity.URGENT,
                ),
                distinct=True,
            ),
        )
        .order_by("-urgent", "date_joined", "pk")[:500]
    )
    ids = [p.pk for p in patients]
    intakes: dict[int, str] = {}
    for pid, tier in (
        Intake.objects.filter(patient_id__in=ids)
        .order_by("patient_id", "-submitted_at", "-id")
        .distinct("patient_id")
        .values_list("patient_id", "red_flag_tier")
    ):
        intakes[pid] = tier
    waiting: dict[int, dict[str, Any]] = {
        r["patient_id"]: dict(r)
        for r in Message.objects.filter(patient_id__in=ids, sender_id__in=ids)
        .values("patient_id")
        .annotate(n=Count("id"), last=Max("created_at"))
    }
    by_state: dict[str, list[User]] = {}
    rows = []
    for p in patients:
        profile = getattr(p, "patient_profile", None)
        state = profile.state if profile else ""
        if state not in by_state:
            by_state[state] = therapists_for_state(state=state) if state else []
        rows.append(
            TriagePatient(
                patient=p,
                state=state,
                time_zone=profile.time_zone if profile else "UTC",
                phone=profile.phone if profile else "",
                has_intake=p.pk in intakes,
                red_flag_tier=intakes.get(p.pk, ""),
                open_urgent_alerts=p.urgent,
                messages_waiting=waiting[p.pk]["n"] if p.pk in waiting else 0,
                last_message_at=waiting[p.pk]["last"] if p.pk in waiting else None,
                therapists=by_state[state],
            )
        )
    alerts = list(
        Alert.objects.filter(acknowledged_at__isnull=True)
        .filter(Q(therapist__isnull=True) | Q(escalated_at__isnull=False))
        .select_related("patient", "therapist")
        .order_by("opened_at")[:500]
    )
    # Urgent first, then the oldest: the alert waiting longest is the riskiest.
    alerts.sort(key=lambda a: (a.severity != Alert.Severity.URGENT, a.opened_at))
    return TriageQueue(patients=rows, alerts=alerts)
