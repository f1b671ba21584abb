"""Pages of the care team: caseload, alerts, progress notes, outcome measures."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_http_methods, require_POST

from accounts.audit import Action, audit_read, audit_read_many, audit_record
from accounts.models import User
from accounts.selectors import patient_get_for_user
from programs import outcomes
from programs.forms.careteam import (
    AddendumForm,
    AlertAcknowledgeForm,
    NoteDraftForm,
    OdiForm,
    PainCheckInForm,
    PsfsForm,
)
from programs.models import OutcomeResponse
from programs.selectors.alerts import alert_describe, alert_get_for_user
from programs.selectors.caseload import CASELOAD_FILTERS, CASELOAD_SORTS, caseload_for_user
from programs.selectors.notes import note_get_for_user, note_versions, notes_for_patient
from programs.selectors.outcomes import outcome_overview
from programs.services import alerts as alert_services
from programs.services import notes as note_services
from programs.services import outcomes as outcome_services
from therapy.errors import ApplicationError


def _patient_only(request: HttpRequest) -> User:
    user: User = request.user  # type: ignore[assignment]
    if not user.is_patient:
        raise Http404("This page is for patients.")
    return user


def _therapist_only(request: HttpRequest) -> User:
    user: User = request.user  # type: ignore[assignment]
    if not user.is_therapist:
        raise Http404("This page is for physical therapists.")
    return user


def _posted(request: HttpRequest) -> object | None:
    """The POST data when the form was sent, even empty (every ODI section skipped)."""
    return request.POST if request.method == "POST" else None


def _add_errors(form: object, exc: ApplicationError | ValidationError) -> None:
    if isinstance(exc, ApplicationError):
        for name, errors in exc.errors.items():
            for error in errors:
                form.add_error(name if name in form.fields else None, error)  # type: ignore[attr-defined]
        form.add_error(None, exc.message)  # type: ignore[attr-defined]
    else:
        form.add_error(None, exc)  # type: ignore[attr-defined]


# --- caseload and alerts ---------------------------------------------------------------
@login_required
def caseload(request: HttpRequest) -> HttpResponse:
    data = caseload_for_user(
        user=request.user,  # type: ignore[arg-type]
        q=request.GET.get("q", "")[:100],
        show=request.GET.get("show", "all"),
        sort=request.GET.get("sort", "name"),
        page=request.GET.get("page", 1),
    )
    audit_read_many(request, objects=[row.patient for row in data.rows], patient_attr="pk")
    return render(
        request,
        "programs/caseload.html",
        {
            "caseload": data,
            "filters": CASELOAD_FILTERS,
            "sorts": {k: v[0] for k, v in CASELOAD_SORTS.items()},
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def alert_acknowledge(request: HttpRequest, alert_id: int) -> HttpResponse:
    user = _therapist_only(request)
    alert = alert_get_for_user(user=user, alert_id=alert_id)
    form = AlertAcknowledgeForm(_posted(request))
    back = request.POST.get("next") or request.GET.get("next") or reverse("caseload")
    if not url_has_allowed_host_and_scheme(back, allowed_hosts={request.get_host()}):
        back = reverse("caseload")
    if request.method == "POST" and form.is_valid():
        try:
            alert_services.alert_acknowledge(
                user=user, alert_id=alert.pk, note=form.cleaned_data["note"]
            )
        except ApplicationError as exc:
            _add_errors(form, exc)
        else:
            audit_record(
                request_or_actor=request,
                patient_id=alert.patient_id,
                action=Action.UPDATE,
                obj=alert,
            )
            messages.success(request, f"Alert acknowledged for {alert.patient.get_full_name()}.")
            return redirect(back)
    return render(
        request,
        "programs/alert_acknowledge.html",
        {
            "alert": alert,
            "description": alert_describe(alert),
            "form": form,
            "next": back,
        },
    )


# --- progress notes --------------------------------------------------------------------
@login_required
@require_POST
def note_start(request: HttpRequest, patient_id: int) -> HttpResponse:
    user = _therapist_only(request)
    note = note_services.note_start_draft(therapist=user, patient_id=patient_id)
    audit_record(
        request_or_actor=request, patient_id=note.patient_id, action=Action.CREATE, obj=note
    )
    messages.success(request, "A draft note is ready, prefilled with this period's figures.")
    return redirect("programs:note", note.pk)


@login_required
@require_http_methods(["GET", "POST"])
def note_detail(request: HttpRequest, note_id: int) -> HttpResponse:
    user: User = request.user  # type: ignore[assignment]
    note = note_get_for_user(user=user, note_id=note_id)
    can_write = user.is_therapist
    draft_form = None
    addendum_form = None
    if can_write and not note.is_signed:
        initial = {f: getattr(note, f) for f in note_services.SOAP_FIELDS}
        draft_form = NoteDraftForm(_posted(request), initial=initial)
    elif can_write:
        addendum_form = AddendumForm(_posted(request))
    if request.method == "POST":
        if not can_write:
            raise Http404("Patients read notes; they do not change them.")
        action = request.POST.get("action")
        # A write attempt on this note (sign, save, addendum); refused ones are recorded too.
        audit_record(
            request_or_actor=request, patient_id=note.patient_id, action=Action.UPDATE, obj=note
        )
        try:
            if draft_form is not None and draft_form.is_valid():
                if action == "sign":
                    note_services.note_sign(user=user, note_id=note.pk, **draft_form.cleaned_data)
                    messages.success(request, "The note is signed. The patient can now read it.")
                else:
                    note_services.note_update_draft(
                        user=user, note_id=note.pk, **draft_form.cleaned_data
                    )
                    messages.success(request, "Draft saved.")
                return redirect("programs:note", note.pk)
            if addendum_form is not None and addendum_form.is_valid():
                note_services.note_add_addendum(
                    user=user, note_id=note.pk, text=addendum_form.cleaned_data["text"]
                )
                messages.success(request, "Addendum signed and added.")
                return redirect("programs:note", note.pk)
        except ApplicationError as exc:
            _add_errors(draft_form or addendum_form, exc)
    audit_read(request, patient_id=note.patient_id, obj=note)
    return render(
        request,
        "programs/note_detail.html",
        {
            "note": note,
            "draft_form": draft_form,
            "addendum_form": addendum_form,
            "versions": note_versions(note=note) if can_write else [],
            "can_write": can_write,
        },
    )


@login_required
def my_notes(request: HttpRequest) -> HttpResponse:
    user = _patient_only(request)
    notes = notes_for_patient(user=user, patient_id=user.pk)
    audit_read_many(request, objects=notes)
    return render(request, "programs/my_notes.html", {"notes": notes})


# --- outcome measures ------------------------------------------------------------------
@login_required
def my_outcomes(request: HttpRequest) -> HttpResponse:
    user = _patient_only(request)
    overview = outcome_overview(user=user, patient_id=user.pk)
    audit_record(request_or_actor=request, patient_id=user.pk, action=Action.READ)
    return render(request, "programs/my_outcomes.html", {"overview": overview})


_FORMS = {"nrs": PainCheckInForm, "odi": OdiForm, "psfs": PsfsForm}


@login_required
@require_http_methods(["GET", "POST"])
def outcome_answer(request: HttpRequest, measure: str) -> HttpResponse:
    user = _patient_only(request)
    if measure not in _FORMS:
        raise Http404("No such questionnaire.")
    form = _FORMS[measure](_posted(request))
    if request.method == "POST" and form.is_valid():
        if measure == "nrs":
            answers: dict = {"pain": form.cleaned_data["pain"]}
        elif measure == "odi":
            answers = {"sections": form.sections()}
        else:
            answers = {"activities": form.activities()}
        try:
            response = outcome_services.outcome_record(
                patient=user, measure=measure, answers=answers
            )
        except ValidationError as exc:
            for name, errors in exc.message_dict.items():
                for error in errors:
                    form.add_error(name if name in form.fields else None, error)
        else:
            audit_record(
                request_or_actor=request, patient_id=user.pk, action=Action.CREATE, obj=response
            )
            label = OutcomeResponse.Measure(measure).label
            messages.success(request, f"Thank you. {label}: your score is {response.score}.")
            return redirect("programs:my-outcomes")
    return render(
        request,
        f"programs/outcome_{measure}.html",
        {"form": form, "odi_sections": outcomes.ODI_SECTIONS},
    )


@login_required
def patient_outcomes(request: HttpRequest, patient_id: int) -> HttpResponse:
    """The PT's full view of one patient's outcome measures."""
    _therapist_only(request)
    patient = patient_get_for_user(user=request.user, patient_id=patient_id)  # type: ignore[arg-type]
    overview = outcome_overview(user=request.user, patient_id=patient.pk)  # type: ignore[arg-type]
    audit_read(request, patient_id=patient.pk, obj=patient)
    return render(
        request, "programs/patient_outcomes.html", {"patient": patient, "overview": overview}
    )
