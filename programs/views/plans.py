"""The PT's side: assign a program, tailor it on the plan editor, read the version history."""

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse, QueryDict
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from accounts.services.audit import Action, audit_read, audit_record
from programs.forms.plans import BasePlanItemFormSet, PlanEditForm, PlanItemFormSet
from programs.models import PlanVersion, ProgramTemplate
from programs.selectors import plans as plan_selectors
from programs.selectors.library import exercise_library
from programs.selectors.plans import (
    patient_for_plan_editor,
    plan_active_for_patient,
    plan_items,
)
from programs.services.plans import (
    ItemSpec,
    plan_assign_template,
    plan_tailor,
    specs_with_swap,
)
from therapy.errors import ApplicationError, ConflictError
from therapy.http import AuthenticatedHttpRequest


@login_required
@require_POST
def plan_assign(request: AuthenticatedHttpRequest, patient_id: int) -> HttpResponse:
    """Assign a program; over an existing plan, first a confirmation page (nothing changes
    until the PT confirms), then a new version of the same plan."""
    patient = patient_for_plan_editor(user=request.user, patient_id=patient_id)
    template = get_object_or_404(ProgramTemplate, slug=request.POST.get("template", ""))
    replace = request.POST.get("replace") == "yes"
    try:
        plan = plan_assign_template(
            therapist=request.user,
            patient=patient,
            template=template,
            replace=replace,
        )
    except ApplicationError as exc:
        if "replace" not in exc.errors:  # the intake gate (409) and other refusals
            messages.error(request, exc.message)
            return redirect("patient-detail", patient_id=patient.pk)
        current = plan_active_for_patient(patient=patient)
        return render(
            request,
            "programs/plans/plan_assign_confirm.html",
            {"patient": patient, "template": template, "plan": current, "message": exc.message},
            status=409,
        )
    audit_record(request_or_actor=request, patient_id=patient.pk, action=Action.CREATE, obj=plan)
    version = plan.current_version.number  # type: ignore[union-attr]
    messages.success(
        request,
        f"{patient.first_name} is now on {template.name} (version {version}). Tailor it below.",
    )
    return redirect("programs:plan-edit", patient_id=patient.pk)


def _initial_rows(version: PlanVersion) -> list[dict[str, Any]]:
    return [
        {
            "exercise": i.exercise_id,
            "order": i.order,
            "sets": i.sets,
            "reps": i.reps,
            "hold_seconds": i.hold_seconds,
            "per_side": i.per_side,
            "sessions_per_week": i.sessions_per_week,
            "note": i.note,
        }
        for i in plan_items(version=version)
    ]


def _add_service_errors(
    formset: BasePlanItemFormSet, form: PlanEditForm, exc: ApplicationError
) -> None:
    """Put the service's `items[n]` errors on the row the PT sees, the rest on top."""
    kept = formset.kept_forms()
    for key, errors in exc.errors.items():
        if key.startswith("items[") and key[6:-1].isdigit() and int(key[6:-1]) < len(kept):
            for error in errors:
                kept[int(key[6:-1])].add_error(None, error)
        else:
            for error in errors:
                form.add_error(None, error)


@login_required
def plan_edit(request: AuthenticatedHttpRequest, patient_id: int) -> HttpResponse:
    user = request.user
    patient = patient_for_plan_editor(user=user, patient_id=patient_id)
    plan = plan_active_for_patient(patient=patient)
    if plan is None or plan.current_version is None:
        messages.info(request, "Assign a program first; then you can tailor it here.")
        return redirect("patient-detail", patient_id=patient.pk)
    library = {e.pk: e for e in exercise_library().select_related("regression", "progression")}
    choices = [(pk, e.name) for pk, e in library.items()]
    status, conflict = 200, None
    if request.method == "POST":
        form = PlanEditForm(request.POST, library=choices)
        formset = PlanItemFormSet(request.POST, prefix="items")
        if form.is_valid() and formset.is_valid():
            specs = formset.specs()
            added = form.cleaned_data["add_exercise"]
            action = request.POST.get("action", "save")
            try:
                if added is not None:
                    specs.append(ItemSpec.from_exercise(library[added]))
                direction, _, swap_id = action.partition(":")
                if direction in ("easier", "harder") and swap_id.isdigit():
                    specs = specs_with_swap(
                        specs=specs, exercise_id=int(swap_id), direction=direction
                    )
                version = plan_tailor(
                    therapist=user,
                    plan=plan,
                    expected_version=form.cleaned_data["expected_version"],
                    items=specs,
                )
            except ConflictError as exc:
                conflict, status = exc.message, 409
                # Keep every field the PT typed; the next save applies on top of the new version.
                data: QueryDict = request.POST.copy()
                data["expected_version"] = str(exc.current.number if exc.current else 0)
                form = PlanEditForm(data, library=choices)
                formset = PlanItemFormSet(data, prefix="items")
                form.is_valid()
                formset.is_valid()
            except ApplicationError as exc:
                if exc.errors:  # the rows' own errors, beside the rows
                    _add_service_errors(formset, form, exc)
                else:
                    form.add_error(None, exc.message)
                status = 400
            else:
                audit_record(
                    request_or_actor=request, patient_id=patient.pk, action=Action.UPDATE, obj=plan
                )
                messages.success(request, f"Saved as version {version.number}.")
                return redirect("programs:plan-edit", patient_id=patient.pk)
        else:
            status = 400
    else:
        form = PlanEditForm(
            initial={"expected_version": plan.current_version.number}, library=choices
        )
        formset = PlanItemFormSet(initial=_initial_rows(plan.current_version), prefix="items")
        audit_read(request, patient_id=patient.pk, obj=plan)
    rows = []
    for item_form in formset:
        value = item_form["exercise"].value()
        exercise = library.get(int(value)) if str(value).isdigit() else None
        rows.append({"form": item_form, "exercise": exercise})
    return render(
        request,
        "programs/plans/plan_edit.html",
        {
            "patient": patient,
            "plan": plan,
            "form": form,
            "formset": formset,
            "rows": rows,
            "conflict": conflict,
        },
        status=status,
    )


@login_required
def plan_versions(request: AuthenticatedHttpRequest, patient_id: int) -> HttpResponse:
    patient = plan_selectors.patient_for_plan_reader(user=request.user, patient_id=patient_id)
    plan = plan_active_for_patient(patient=patient)
    versions = list(plan_selectors.plan_versions(plan=plan)) if plan else []
    audit_read(request, patient_id=patient.pk, obj=plan or patient)
    return render(
        request,
        "programs/plans/plan_versions.html",
        {"patient": patient, "plan": plan, "versions": versions},
    )
