"""Reads for progression: each plan item's window of completions for the rules, the safety
rails' state, and the suggestions a user may see."""

import zoneinfo
from dataclasses import dataclass
from datetime import date, timedelta

from django.db.models import QuerySet
from django.http import Http404

from accounts.models import User
from programs import progression_rules as rules
from programs import sessions_schedule
from programs.models import (
    Alert,
    Completion,
    Intake,
    Plan,
    PlanItem,
    PlanVersion,
    ProgressionSettings,
    ProgressionSuggestion,
)
from programs.selectors.progress import _prescribed  # the product's per-exercise prescription
from therapy.permissions import get_patient_record_or_404, scope_patient_records

DEFAULT_BASELINE_PAIN = 3


def red_flag_open(*, patient_id: int) -> bool:
    """Is a red flag open for the patient? The one place progression reads red-flag state
    (alerts are being reworked into tiers: only this function changes then)."""
    return Alert.objects.filter(
        patient_id=patient_id, kind=Alert.Kind.RED_FLAG, acknowledged_at__isnull=True
    ).exists()


def progression_blocked_reason(*, patient_id: int) -> str | None:
    """Why no suggestion may be made or applied now, or None: a red flag or any unacknowledged
    urgent alert stops progression until a PT has looked."""
    if red_flag_open(patient_id=patient_id):
        return "A red flag is open: no plan change is suggested until a PT acknowledges it."
    if Alert.objects.filter(
        patient_id=patient_id, severity=Alert.Severity.URGENT, acknowledged_at__isnull=True
    ).exists():
        return "An urgent alert is open: no plan change is suggested until a PT acknowledges it."
    return None


@dataclass(frozen=True)
class ItemFacts:
    item: PlanItem
    window: rules.ItemWindow
    dose: rules.Dose
    ladder: rules.Ladder


def _dose_of(item: PlanItem) -> tuple[int, int, int | None, int | None]:
    return (item.exercise_id, item.sets, item.reps, item.hold_seconds)


def _dose_start(versions: list[PlanVersion], item: PlanItem, zone: str) -> date:
    """The local day the item's exercise and dosage came into the plan: the oldest version in
    an unbroken run of versions holding it unchanged. A changed dose starts a new window."""
    tz = zoneinfo.ZoneInfo(zone)
    start = versions[0].created_at
    for version in versions:  # newest first
        if any(_dose_of(i) == _dose_of(item) for i in version.items.all()):
            start = version.created_at
        else:
            break
    return start.astimezone(tz).date()


def _variant(exercise: object) -> rules.Variant | None:
    if exercise is None:
        return None
    return rules.Variant(
        exercise.pk,  # type: ignore[attr-defined]
        exercise.default_sets,  # type: ignore[attr-defined]
        exercise.default_reps,  # type: ignore[attr-defined]
        exercise.default_hold_seconds,  # type: ignore[attr-defined]
    )


def ladder_for(item: PlanItem) -> rules.Ladder:
    ex = item.exercise
    return rules.Ladder(
        default=rules.Dose(ex.pk, ex.default_sets, ex.default_reps, ex.default_hold_seconds),
        harder=_variant(ex.progression if ex.progression and ex.progression.is_active else None),
        easier=_variant(ex.regression if ex.regression and ex.regression.is_active else None),
    )


def dose_for(item: PlanItem) -> rules.Dose:
    return rules.Dose(item.exercise_id, item.sets, item.reps, item.hold_seconds)


def progression_item_facts(*, patient: User, plan: Plan, today: date) -> list[ItemFacts]:
    """Each item of the plan's current version with its window (docs/progression.md)."""
    version = plan.current_version
    if version is None:
        return []
    zone = patient.patient_profile.time_zone
    versions = list(plan.versions.prefetch_related("items").order_by("-number"))
    plan_start = plan.created_at.astimezone(zoneinfo.ZoneInfo(zone)).date()
    items = list(
        version.items.select_related("exercise__progression", "exercise__regression").order_by(
            "order"
        )
    )
    window_start = today - timedelta(days=rules.WINDOW_DAYS - 1)
    intake = Intake.objects.filter(patient=patient).order_by("-submitted_at").first()
    out = []
    for item in items:
        start = max(window_start, _dose_start(versions, item, zone))
        readings = list(
            Completion.objects.filter(
                session__patient=patient,
                exercise_id=item.exercise_id,
                plan_item__sets=item.sets,
                plan_item__reps=item.reps,
                plan_item__hold_seconds=item.hold_seconds,
                session__local_date__gte=start,
                session__local_date__lte=today,
            )
            .order_by("session__local_date")
            .values_list("pain", "difficulty", "session__local_date")
        )
        prescribed = _prescribed([item], start, today, plan_start).get(item.exercise_id, 0)
        days = {day for _, _, day in readings}
        first_pains = list(
            Completion.objects.filter(session__patient=patient, exercise_id=item.exercise_id)
            .order_by("completed_at")
            .values_list("pain", flat=True)[:3]
        )
        baseline = rules.baseline_from(first_pains)
        if baseline is None:
            baseline = intake.pain_now if intake else DEFAULT_BASELINE_PAIN
        out.append(
            ItemFacts(
                item=item,
                window=rules.ItemWindow(
                    prescribed=prescribed,
                    completed=min(len(days), prescribed),
                    readings=tuple(rules.Reading(p, f) for p, f, _ in readings),
                    baseline_pain=baseline,
                ),
                dose=dose_for(item),
                ladder=ladder_for(item),
            )
        )
    return out


def progression_patient_today(*, patient: User) -> date:
    return sessions_schedule.local_today(patient.patient_profile.time_zone)


def auto_apply_advances(*, patient_id: int) -> ProgressionSettings | None:
    """The settings when the patient's advances apply on their own, else None."""
    return ProgressionSettings.objects.filter(
        patient_id=patient_id, auto_apply_advances=True
    ).first()


def _suggestions() -> QuerySet[ProgressionSuggestion]:
    return ProgressionSuggestion.objects.select_related(
        "patient", "exercise", "to_exercise", "decided_by", "applied_version", "based_on_version"
    )


def suggestions_pending_for_user(*, user: User) -> list[ProgressionSuggestion]:
    """Pending suggestions of the patients the user may see (a PT: their caseload)."""
    if not (user.is_therapist or user.is_operations_staff):
        return []
    pending = _suggestions().filter(status=ProgressionSuggestion.Status.PENDING)
    return list(scope_patient_records(pending, user=user).order_by("created_at", "id")[:50])


def suggestions_for_patient(*, user: User, patient: User) -> list[ProgressionSuggestion]:
    """Every suggestion about the patient, pending first, then newest first."""
    if not (user.is_therapist or user.is_operations_staff):
        return []
    rows = scope_patient_records(_suggestions().filter(patient=patient), user=user)
    return sorted(rows, key=lambda s: (not s.is_pending, -s.created_at.timestamp(), -s.pk))


def suggestion_get_for_user(*, user: User, suggestion_id: int) -> ProgressionSuggestion:
    """A suggestion the user (a PT of the patient, or staff) may see; 404 otherwise."""
    if not (user.is_authenticated and (user.is_therapist or user.is_operations_staff)):
        raise Http404("No such suggestion.")
    return get_patient_record_or_404(_suggestions(), user=user, pk=suggestion_id)


def suggestions_by_version(*, plan: Plan) -> dict[int, list[ProgressionSuggestion]]:
    """The plan's suggestions grouped by the version they were based on, for the history."""
    out: dict[int, list[ProgressionSuggestion]] = {}
    for s in _suggestions().filter(plan=plan).order_by("created_at", "id"):
        out.setdefault(s.based_on_version_id, []).append(s)
    return out


def progression_settings_for(*, patient_id: int) -> ProgressionSettings | None:
    return ProgressionSettings.objects.filter(patient_id=patient_id).first()
