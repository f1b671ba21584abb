"""Writes for progression: turn the rules' decisions into suggestions, and accept, edit or
decline them. Every accepted suggestion is a new plan version that names it."""

from dataclasses import dataclass, replace
from datetime import datetime

from django.db import IntegrityError, transaction
from django.utils import timezone

from accounts.models import User
from programs import progression_rules as rules
from programs import sessions_schedule
from programs.models import (
    Exercise,
    Plan,
    PlanVersion,
    ProgressionSettings,
    ProgressionSuggestion,
    dosage_text,
)
from programs.selectors.plans import plan_active_for_patient
from programs.selectors.progression import (
    auto_apply_advances,
    dose_for,
    ladder_for,
    progression_blocked_reason,
    progression_item_facts,
)
from programs.services.plans import ItemSpec, plan_tailor
from therapy.errors import ApplicationError, ConflictError

Status = ProgressionSuggestion.Status


def _text(sets: int, reps: int | None, hold: int | None) -> str:
    return dosage_text(sets=sets, reps=reps, hold_seconds=hold, per_side=False)


def suggestion_headline(s: ProgressionSuggestion) -> str:
    """ "Bridge: 2 x 10 -> 3 x 10" or "Bridge 3 x 15 -> Single-leg bridge 2 x 8"."""
    before = _text(s.from_sets, s.from_reps, s.from_hold_seconds)
    after = _text(s.to_sets, s.to_reps, s.to_hold_seconds)
    if s.to_exercise_id == s.exercise_id:
        return f"{s.exercise.name}: {before} -> {after}"
    return f"{s.exercise.name} {before} -> {s.to_exercise.name} {after}"


def _supersede(*, plan: Plan, keep: set[int] | None = None) -> None:
    """Pending suggestions that no longer fit the current version are out of date."""
    stale = ProgressionSuggestion.objects.filter(plan=plan, status=Status.PENDING)
    if plan.current_version_id:
        stale = stale.exclude(based_on_version_id=plan.current_version_id, pk__in=keep or set())
    stale.update(status=Status.SUPERSEDED, decided_at=timezone.now())


def progression_check(
    *, patient_ids: list[int], now: datetime | None = None
) -> list[ProgressionSuggestion]:
    """Evaluate each patient's plan items and record advance and regress suggestions. Safe to
    run twice: a suggestion exists at most once per item, direction and plan version."""
    made: list[ProgressionSuggestion] = []
    for patient in User.objects.filter(pk__in=patient_ids).select_related("patient_profile"):
        made += _check_one(patient=patient, now=now)
    return made


@transaction.atomic
def _check_one(*, patient: User, now: datetime | None) -> list[ProgressionSuggestion]:
    plan = plan_active_for_patient(patient=patient)
    if plan is None or plan.current_version is None:
        return []
    # One check at a time per plan: the row lock orders a sweep and an after-session check.
    Plan.objects.select_for_update().filter(pk=plan.pk).first()
    plan.refresh_from_db(fields=["current_version"])
    if progression_blocked_reason(patient_id=patient.pk):
        _supersede(plan=plan)
        return []
    today = sessions_schedule.local_today(patient.patient_profile.time_zone, now)
    made = []
    keep: set[int] = set()
    for facts in progression_item_facts(patient=patient, plan=plan, today=today):
        verdict = rules.decide(facts.window)
        if verdict.decision == rules.Decision.HOLD:
            continue
        target = rules.next_step(dose=facts.dose, ladder=facts.ladder, decision=verdict.decision)
        if target is None:
            continue
        existing = ProgressionSuggestion.objects.filter(
            based_on_version=plan.current_version,
            exercise_id=facts.item.exercise_id,
            direction=verdict.decision.value,
        ).first()
        if existing:
            keep.add(existing.pk)
            continue
        # A newer decision replaces a pending one of the other direction on the same item.
        ProgressionSuggestion.objects.filter(
            plan=plan, exercise_id=facts.item.exercise_id, status=Status.PENDING
        ).update(status=Status.SUPERSEDED, decided_at=timezone.now())
        try:
            with transaction.atomic():
                suggestion = ProgressionSuggestion.objects.create(
                    patient=patient,
                    plan=plan,
                    based_on_version=plan.current_version,
                    exercise_id=facts.item.exercise_id,
                    direction=verdict.decision.value,
                    from_sets=facts.dose.sets,
                    from_reps=facts.dose.reps,
                    from_hold_seconds=facts.dose.hold_seconds,
                    to_exercise_id=target.exercise_id,
                    to_sets=target.sets,
                    to_reps=target.reps,
                    to_hold_seconds=target.hold_seconds,
                    reason=verdict.reason[:500],
                    patient_reason=verdict.patient_reason[:300],
                    inputs=verdict.inputs,
                )
        except IntegrityError:  # the same check raced itself
            continue
        keep.add(suggestion.pk)
        made.append(suggestion)
    _supersede(plan=plan, keep=keep)
    settings = auto_apply_advances(patient_id=patient.pk)
    if settings:
        for suggestion in made:
            if suggestion.direction == ProgressionSuggestion.Direction.ADVANCE:
                _apply(
                    suggestion=suggestion, author=settings.changed_by, status=Status.AUTO_APPLIED
                )
                # one item per check: the next item waits for the next check, on the new version
                break
    return made


@dataclass(frozen=True)
class DoseEdit:
    sets: int
    reps: int | None = None
    hold_seconds: int | None = None


def _within(value: int | None, a: int | None, b: int | None) -> bool:
    if value is None or a is None or b is None:
        return value == b
    return min(a, b) <= value <= max(a, b)


def _edited(*, dose: rules.Dose, target: rules.Dose, edit: DoseEdit) -> rules.Dose:
    """An edit may take a smaller step than suggested, never a bigger one nor the other way:
    each figure lies between today's (1 for a new exercise) and the suggested one."""
    same = target.exercise_id == dose.exercise_id
    low = (
        dose
        if same
        else rules.Dose(
            target.exercise_id, 1, 1 if target.reps else None, 1 if target.hold_seconds else None
        )
    )
    if not (
        _within(edit.sets, low.sets, target.sets)
        and _within(edit.reps, low.reps, target.reps)
        and _within(edit.hold_seconds, low.hold_seconds, target.hold_seconds)
    ):
        raise ApplicationError(
            "An edit may make the step smaller, not bigger or the other way.",
            errors={
                "sets": [f"Between {min(low.sets, target.sets)} and {max(low.sets, target.sets)}."]
            },
        )
    edited = replace(target, sets=edit.sets, reps=edit.reps, hold_seconds=edit.hold_seconds)
    if edited == dose:
        raise ApplicationError("That is the current dosage: decline the suggestion instead.")
    return edited


def _apply(
    *,
    suggestion: ProgressionSuggestion,
    author: User,
    status: str,
    edit: DoseEdit | None = None,
    decided_by: User | None = None,
) -> PlanVersion:
    plan = Plan.objects.select_related("current_version").get(pk=suggestion.plan_id)
    current = plan.current_version
    if plan.status != Plan.Status.ACTIVE or current is None:
        raise ApplicationError("This plan has ended; the suggestion no longer applies.")
    if current.pk != suggestion.based_on_version_id:
        raise ConflictError(
            "The plan changed since this suggestion was made; it no longer applies.",
            errors={"suggestion": ["Out of date."]},
        )
    if reason := progression_blocked_reason(patient_id=suggestion.patient_id):
        raise ApplicationError(reason, errors={"suggestion": [reason]})
    items = list(current.items.select_related("exercise__progression", "exercise__regression"))
    item = next((i for i in items if i.exercise_id == suggestion.exercise_id), None)
    if item is None:
        raise ApplicationError("That exercise is no longer in the plan.")
    dose = dose_for(item)
    target = rules.Dose(
        suggestion.to_exercise_id,
        suggestion.to_sets,
        suggestion.to_reps,
        suggestion.to_hold_seconds,
    )
    # The one-step rail: the stored target must be exactly one ladder step from today's dose.
    decision = rules.Decision(suggestion.direction)
    if rules.next_step(dose=dose, ladder=ladder_for(item), decision=decision) != target:
        raise ApplicationError("This change is more than one step; it cannot be applied.")
    if edit is not None:
        target = _edited(dose=dose, target=target, edit=edit)
    specs = []
    for i in sorted(items, key=lambda i: i.order):
        spec = ItemSpec.from_item(i)
        if i.pk == item.pk:
            spec = replace(
                spec,
                exercise_id=target.exercise_id,
                sets=target.sets,
                reps=target.reps,
                hold_seconds=target.hold_seconds,
                per_side=(
                    spec.per_side
                    if target.exercise_id == dose.exercise_id
                    else Exercise.objects.get(pk=target.exercise_id).default_per_side
                ),
            )
        specs.append(spec)
    version = plan_tailor(therapist=author, plan=plan, expected_version=current.number, items=specs)
    why = suggestion.patient_reason
    version.change_summary += f"\nWhy: {why[0].upper()}{why[1:]}."
    version.save(update_fields=["change_summary"])
    suggestion.status = status
    suggestion.decided_at = timezone.now()
    suggestion.decided_by = decided_by
    suggestion.applied_version = version
    suggestion.save(update_fields=["status", "decided_at", "decided_by", "applied_version"])
    return version


def _claim(*, suggestion_id: int, expected_version: int) -> ProgressionSuggestion:
    """Lock a pending suggestion made on the plan version the PT was looking at."""
    suggestion = (
        ProgressionSuggestion.objects.select_for_update(of=("self",))
        .select_related("exercise", "to_exercise", "based_on_version")
        .get(pk=suggestion_id)
    )
    if suggestion.based_on_version.number != expected_version:
        raise ConflictError(
            "This suggestion belongs to another plan version than the one you saw; reload.",
            errors={"expected_version": [f"It is version {suggestion.based_on_version.number}."]},
        )
    if not suggestion.is_pending:
        raise ConflictError(
            f"This suggestion was already dealt with ({suggestion.get_status_display().lower()}).",
            errors={"suggestion": ["Not pending."]},
        )
    return suggestion


@transaction.atomic
def suggestion_accept(
    *,
    therapist: User,
    suggestion: ProgressionSuggestion,
    expected_version: int,
    edit: DoseEdit | None = None,
) -> PlanVersion:
    """Apply the suggestion (or a smaller step, `edit`) as a new plan version that names it."""
    locked = _claim(suggestion_id=suggestion.pk, expected_version=expected_version)
    return _apply(
        suggestion=locked,
        author=therapist,
        status=Status.EDITED if edit else Status.ACCEPTED,
        edit=edit,
        decided_by=therapist,
    )


@transaction.atomic
def suggestion_decline(
    *, therapist: User, suggestion: ProgressionSuggestion, expected_version: int
) -> ProgressionSuggestion:
    locked = _claim(suggestion_id=suggestion.pk, expected_version=expected_version)
    locked.status = Status.DECLINED
    locked.decided_at = timezone.now()
    locked.decided_by = therapist
    locked.save(update_fields=["status", "decided_at", "decided_by"])
    return locked


@transaction.atomic
def progression_settings_set(
    *, therapist: User, patient: User, auto_apply_advances: bool
) -> ProgressionSettings:
    settings, _ = ProgressionSettings.objects.update_or_create(
        patient=patient,
        defaults={
            "auto_apply_advances": auto_apply_advances,
            "changed_by": therapist,
            "changed_at": timezone.now(),
        },
    )
    return settings


def patients_with_active_plans() -> list[int]:
    return list(
        Plan.objects.filter(status=Plan.Status.ACTIVE)
        .order_by("patient_id")
        .values_list("patient_id", flat=True)
    )
