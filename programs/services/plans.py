"""Writes to plans. Every change makes a new PlanVersion; earlier versions never change."""

from dataclasses import dataclass, replace

from django.db import transaction
from django.utils import timezone

from accounts.models import User
from programs.intake_precautions import apply_precautions, precautions_for
from programs.models import (
    HOLD_TOO_LONG,
    MAX_HOLD_SECONDS,
    MAX_REPS,
    MAX_SETS,
    Exercise,
    Intake,
    Plan,
    PlanItem,
    PlanVersion,
    ProgramTemplate,
    dosage_text,
    reps_xor_hold_error,
)
from programs.services.intake import intake_gate_check
from therapy.errors import ApplicationError, ConflictError


@dataclass(frozen=True)
class ItemSpec:
    exercise_id: int
    sets: int
    reps: int | None = None
    hold_seconds: int | None = None
    per_side: bool = False
    sessions_per_week: int = 7
    note: str = ""

    def validate(self, position: int) -> dict[str, list[str]]:
        where = f"items[{position}]"
        errors: list[str] = []
        if not 1 <= self.sets <= MAX_SETS:
            errors.append(f"Sets must be between 1 and {MAX_SETS}.")
        if message := reps_xor_hold_error(reps=self.reps, hold_seconds=self.hold_seconds):
            errors.append(message)
        if self.reps is not None and not 1 <= self.reps <= MAX_REPS:
            errors.append(f"Repetitions must be between 1 and {MAX_REPS}.")
        if self.hold_seconds is not None and not 1 <= self.hold_seconds <= MAX_HOLD_SECONDS:
            errors.append(
                HOLD_TOO_LONG if self.hold_seconds > 0 else "A hold is at least 1 second."
            )
        if not 1 <= self.sessions_per_week <= 7:
            errors.append("Sessions per week must be between 1 and 7.")
        if len(self.note) > 500:
            errors.append("The note can be at most 500 characters.")
        return {where: errors} if errors else {}

    @classmethod
    def from_exercise(cls, exercise: Exercise) -> "ItemSpec":
        """An exercise at its library default dosage, as added to a plan."""
        return cls(
            exercise_id=exercise.pk,
            sets=exercise.default_sets,
            reps=exercise.default_reps,
            hold_seconds=exercise.default_hold_seconds,
            per_side=exercise.default_per_side,
            sessions_per_week=exercise.default_sessions_per_week,
        )

    @classmethod
    def from_item(cls, item: PlanItem) -> "ItemSpec":
        return cls(
            exercise_id=item.exercise_id,
            sets=item.sets,
            reps=item.reps,
            hold_seconds=item.hold_seconds,
            per_side=item.per_side,
            sessions_per_week=item.sessions_per_week,
            note=item.note,
        )


def _dosage(spec: ItemSpec) -> str:
    text = dosage_text(
        sets=spec.sets, reps=spec.reps, hold_seconds=spec.hold_seconds, per_side=spec.per_side
    )
    return f"{text}, {spec.sessions_per_week}x a week"


def _describe_changes(old: list[ItemSpec], new: list[ItemSpec], names: dict[int, str]) -> list[str]:
    """The 'what changed' lines a patient reads, in plain words."""
    lines: list[str] = []
    old_by_id = {s.exercise_id: s for s in old}
    new_by_id = {s.exercise_id: s for s in new}
    for spec in new:
        before = old_by_id.get(spec.exercise_id)
        name = names[spec.exercise_id]
        if before is None:
            lines.append(f"Added {name}: {_dosage(spec)}.")
            continue
        if _dosage(before) != _dosage(spec):
            lines.append(f"{name}: now {_dosage(spec)} (was {_dosage(before)}).")
        if before.note != spec.note and spec.note:
            lines.append(f"{name}: new note from your PT.")
    for spec in old:
        if spec.exercise_id not in new_by_id:
            lines.append(f"Removed {names[spec.exercise_id]}.")
    old_order = [s.exercise_id for s in old if s.exercise_id in new_by_id]
    new_order = [s.exercise_id for s in new if s.exercise_id in old_by_id]
    if old_order != new_order and not lines:
        lines.append("The order of your exercises changed.")
    return lines


def _create_version(
    *, plan: Plan, author: User, specs: list[ItemSpec], summary: list[str]
) -> PlanVersion:
    number = (plan.current_version.number + 1) if plan.current_version else 1
    version = PlanVersion.objects.create(
        plan=plan, number=number, created_by=author, change_summary="\n".join(summary)
    )
    PlanItem.objects.bulk_create(
        PlanItem(
            version=version,
            exercise_id=spec.exercise_id,
            order=position,
            sets=spec.sets,
            reps=spec.reps,
            hold_seconds=spec.hold_seconds,
            per_side=spec.per_side,
            sessions_per_week=spec.sessions_per_week,
            note=spec.note,
        )
        for position, spec in enumerate(specs, start=1)
    )
    plan.current_version = version
    plan.save(update_fields=["current_version"])
    return version


def _validate_specs(specs: list[ItemSpec]) -> dict[int, str]:
    errors: dict[str, list[str]] = {}
    if not specs:
        errors["items"] = ["A plan needs at least one exercise."]
    if len(specs) > 40:
        errors["items"] = ["A plan can have at most 40 exercises."]
    ids = [s.exercise_id for s in specs]
    if len(set(ids)) != len(ids):
        errors["items"] = ["Each exercise can appear only once in a plan."]
    for position, spec in enumerate(specs):
        errors.update(spec.validate(position))
    names = dict(Exercise.objects.filter(id__in=ids, is_active=True).values_list("id", "name"))
    missing = [i for i in ids if i not in names]
    if missing:
        errors["items"] = [f"Unknown exercise id(s): {', '.join(map(str, missing))}."]
    if errors:
        raise ApplicationError("Some fields are not valid.", errors=errors)
    return names


def _check_version(current: PlanVersion | None, expected_version: int) -> PlanVersion:
    """The current version when it is the one the editor showed; else ConflictError."""
    if current is None or current.number != expected_version:
        who = current.created_by.get_full_name() if current else "someone"
        when = timezone.localtime(current.created_at).strftime("%Y-%m-%d %H:%M") if current else ""
        raise ConflictError(
            f"{who} changed this plan (version {current.number if current else 0}) at {when} "
            "while you were editing. Your changes are below; review them against the new "
            "version and save again.",
            errors={
                "expected_version": [f"Current version is {current.number if current else 0}."]
            },
            current=current,
        )
    return current


def _specs_within_precautions(
    *, patient: User, specs: list[ItemSpec]
) -> tuple[list[ItemSpec], list[str]]:
    """Leave out or swap the exercises the latest intake's "PT review" answers rule out."""
    latest = Intake.objects.filter(patient=patient).first()
    precautions = precautions_for(latest.flags) if latest else []
    if not precautions:
        return specs, []
    slug_of = dict(
        Exercise.objects.filter(pk__in=[s.exercise_id for s in specs]).values_list("pk", "slug")
    )
    targets = {t for p in precautions for t in p.swap.values()}
    names = dict(
        Exercise.objects.filter(slug__in=set(slug_of.values()) | targets).values_list(
            "slug", "name"
        )
    )
    kept, lines = apply_precautions([slug_of[s.exercise_id] for s in specs], precautions, names)
    by_slug = {slug_of[s.exercise_id]: s for s in specs}
    swapped_in = {e.slug: e for e in Exercise.objects.filter(slug__in=set(kept) - set(by_slug))}
    result = [
        by_slug[slug] if slug in by_slug else ItemSpec.from_exercise(swapped_in[slug])
        for slug in kept
        if slug in by_slug or slug in swapped_in
    ]
    return result, [f"Adapted to your answers: {line}" for line in lines]


@transaction.atomic
def plan_assign_template(
    *, therapist: User, patient: User, template: ProgramTemplate, replace: bool = False
) -> Plan:
    """Start the patient on a program template.

    Refused (409) until the patient has an intake with no open flag (intake_gate_check); the
    intake's "PT review" answers leave out or swap the exercises they rule out
    (programs.intake_precautions). Over an active plan this needs `replace=True` (the PT
    confirmed) and makes a new version of the same plan, so the history keeps every earlier
    version; without it, ConflictError (409) naming `replace`, and nothing changes.
    """
    intake_gate_check(patient=patient)
    current = (
        Plan.objects.select_for_update(of=("self",))
        .select_related("current_version")
        .filter(patient=patient, status=Plan.Status.ACTIVE)
        .first()
    )
    specs = [
        ItemSpec(
            exercise_id=item.exercise_id,
            sets=item.sets,
            reps=item.reps,
            hold_seconds=item.hold_seconds,
            per_side=item.per_side,
            sessions_per_week=item.sessions_per_week,
        )
        for item in template.items.order_by("order")
    ]
    specs, adapted = _specs_within_precautions(patient=patient, specs=specs)
    _validate_specs(specs)
    if current is not None and current.current_version is not None:
        number = current.current_version.number
        if not replace:
            raise ConflictError(
                f"{patient.first_name} already has a plan (version {number}). Confirm to "
                f"replace its exercises with {template.name}: it becomes version {number + 1}, "
                "and the earlier versions stay in the history.",
                errors={"replace": ["Confirm replacing the current plan."]},
            )
        current.template = template
        current.save(update_fields=["template"])
        _create_version(
            plan=current,
            author=therapist,
            specs=specs,
            summary=[
                f"Your physical therapist changed your program to: {template.name}.",
                *adapted,
            ],
        )
        return current
    plan = Plan.objects.create(patient=patient, template=template)
    _create_version(
        plan=plan,
        author=therapist,
        specs=specs,
        summary=[f"Your physical therapist started you on: {template.name}.", *adapted],
    )
    return plan


@transaction.atomic
def plan_tailor(
    *, therapist: User, plan: Plan, expected_version: int, items: list[ItemSpec]
) -> PlanVersion:
    """Replace the plan's content with `items` as a new version.

    `expected_version` is the version number the editor was showing: if someone changed the
    plan since, nothing is saved and ConflictError says who and when (optimistic locking).
    """
    plan = (
        Plan.objects.select_for_update(of=("self",))
        .select_related("current_version", "current_version__created_by")
        .get(pk=plan.pk)
    )
    current = plan.current_version
    if plan.status != Plan.Status.ACTIVE:
        raise ApplicationError("This plan has ended; assign a new program instead.")
    current = _check_version(current, expected_version)
    names = _validate_specs(items)
    old = [ItemSpec.from_item(i) for i in current.items.order_by("order")]
    names.update(
        dict(Exercise.objects.filter(id__in=[s.exercise_id for s in old]).values_list("id", "name"))
    )
    summary = _describe_changes(old, items, names)
    if not summary:
        raise ApplicationError("Nothing changed, so no new version was made.")
    return _create_version(plan=plan, author=therapist, specs=items, summary=summary)


@transaction.atomic
def plan_replace_items(
    *, therapist: User, patient: User, items: list[ItemSpec], reason: str
) -> Plan:
    """Make `items` the patient's plan: a new version of the active plan, or a new plan when
    there is none. The same content as now is refused, like an unchanged edit."""
    names = _validate_specs(items)
    plan = (
        Plan.objects.select_for_update(of=("self",))
        .select_related("current_version")
        .filter(patient=patient, status=Plan.Status.ACTIVE)
        .first()
    )
    if plan is None:
        plan = Plan.objects.create(patient=patient)
        _create_version(plan=plan, author=therapist, specs=items, summary=[reason])
        return plan
    current = plan.current_version
    old = [ItemSpec.from_item(i) for i in current.items.order_by("order")] if current else []
    names.update(
        dict(Exercise.objects.filter(id__in=[s.exercise_id for s in old]).values_list("id", "name"))
    )
    summary = _describe_changes(old, items, names)
    if not summary:
        raise ApplicationError("Nothing changed, so no new version was made.")
    _create_version(plan=plan, author=therapist, specs=items, summary=[reason, *summary])
    return plan


def specs_with_swap(*, specs: list[ItemSpec], exercise_id: int, direction: str) -> list[ItemSpec]:
    """The same specs with one exercise replaced by its regression ("easier") or progression
    ("harder") at the variant's default dosage, keeping its place, frequency and note."""
    if direction not in ("easier", "harder"):
        raise ApplicationError("Direction must be 'easier' or 'harder'.")
    position = next((n for n, s in enumerate(specs) if s.exercise_id == exercise_id), None)
    if position is None:
        raise ApplicationError("That exercise is not in the plan.")
    exercise = Exercise.objects.select_related("regression", "progression").get(pk=exercise_id)
    variant = exercise.regression if direction == "easier" else exercise.progression
    if variant is None:
        raise ApplicationError(f"{exercise.name} has no {direction} variant.")
    if any(s.exercise_id == variant.pk for s in specs):
        raise ApplicationError(f"{variant.name} is already in the plan.")
    old = specs[position]
    swapped = replace(
        ItemSpec.from_exercise(variant), sessions_per_week=old.sessions_per_week, note=old.note
    )
    return [*specs[:position], swapped, *specs[position + 1 :]]


def plan_swap_exercise(
    *, therapist: User, plan: Plan, expected_version: int, exercise_id: int, direction: str
) -> PlanVersion:
    """Swap one exercise for its regression ("easier") or progression ("harder") in one click."""
    plan.refresh_from_db(fields=["current_version"])
    current = plan.current_version
    if current is None:
        raise ApplicationError("This plan has no content yet.")
    # A stale click is a conflict, not "that exercise is not in the plan" of someone else's version.
    _check_version(current, expected_version)
    specs = [ItemSpec.from_item(i) for i in current.items.order_by("order")]
    return plan_tailor(
        therapist=therapist,
        plan=plan,
        expected_version=expected_version,
        items=specs_with_swap(specs=specs, exercise_id=exercise_id, direction=direction),
    )


@transaction.atomic
def plan_mark_changes_seen(*, patient: User, plan: Plan) -> list[PlanVersion]:
    """Return the versions the patient has not seen yet (oldest first) and mark them seen."""
    unseen = list(
        PlanVersion.objects.select_for_update()
        .filter(plan=plan, seen_by_patient_at__isnull=True, plan__patient=patient)
        .order_by("number")
    )
    if unseen:
        PlanVersion.objects.filter(pk__in=[v.pk for v in unseen]).update(
            seen_by_patient_at=timezone.now()
        )
    return unseen
