"""Progress notes: start, edit and sign a draft, add an addendum; the patient's signed notes."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods, require_POST

from accounts.models import User
from accounts.services.audit import Action, audit_read, audit_read_many, audit_record
from programs.forms.notes import AddendumForm, NoteDraftForm
from programs.selectors.notes import note_get_for_user, note_versions, notes_for_patient
from programs.services import notes as note_services
from therapy.errors import ApplicationError, form_add_error
from therapy.http import AuthenticatedHttpRequest
from therapy.permissions import require_role


@login_required
@require_POST
def note_start(request: AuthenticatedHttpRequest, patient_id: int) -> HttpResponse:
    user = require_role(request, User.Role.THERAPIST)
    note = note_services.note_start_draft(therapist=user, patient_id=patient_id)
    audit_record(
        request_or_actor=request, patient_id=note.patient_id, action=Action.CREATE, obj=note
    )
    messages.success(request, "A draft note is ready, prefilled with this period's figures.")
    return redirect("programs:note", note.pk)


@login_required
@require_http_methods(["GET", "POST"])
def note_detail(request: AuthenticatedHttpRequest, note_id: int) -> HttpResponse:
    user = request.user
    note = note_get_for_user(user=user, note_id=note_id)
    can_write = user.is_therapist
    draft_form = None
    addendum_form = None
    if can_write and not note.is_signed:
        initial = {f: getattr(note, f) for f in note_services.SOAP_FIELDS}
        draft_form = NoteDraftForm(
            request.POST if request.method == "POST" else None, initial=initial
        )
    elif can_write:
        addendum_form = AddendumForm(request.POST if request.method == "POST" else None)
    confirm_step = False
    status = 200
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
                    confirmed = request.POST.get("confirm") == "yes"
                    try:
                        note_services.note_sign(
                            user=user,
                            note_id=note.pk,
                            confirm=confirmed,
                            **draft_form.cleaned_data,
                        )
                    except ApplicationError as exc:
                        if set(exc.errors) != {"confirm"}:
                            raise
                        confirm_step = True  # a second step: nothing saved until confirmed
                    else:
                        messages.success(
                            request, "The note is signed. The patient can now read it."
                        )
                        return redirect("programs:note", note.pk)
                else:
                    note_services.note_update_draft(
                        user=user, note_id=note.pk, **draft_form.cleaned_data
                    )
                    messages.success(request, "Draft saved.")
                    return redirect("programs:note", note.pk)
            elif addendum_form is not None and addendum_form.is_valid():
                note_services.note_add_addendum(
                    user=user, note_id=note.pk, text=addendum_form.cleaned_data["text"]
                )
                messages.success(request, "Addendum signed and added.")
                return redirect("programs:note", note.pk)
        except ApplicationError as exc:
            form = draft_form or addendum_form
            assert form is not None  # a writer always has one of the two forms
            form_add_error(form, exc)
            status = exc.status
        if (draft_form is not None and draft_form.errors) or (
            addendum_form is not None and addendum_form.errors
        ):
            status = 400
    audit_read(request, patient_id=note.patient_id, obj=note)
    return render(
        request,
        "programs/notes/note_detail.html",
        {
            "note": note,
            "draft_form": draft_form,
            "addendum_form": addendum_form,
            "versions": note_versions(note=note) if can_write else [],
            "can_write": can_write,
            "confirm_step": confirm_step,
        },
        status=status,
    )


@login_required
def my_notes(request: AuthenticatedHttpRequest) -> HttpResponse:
    user = require_role(request, User.Role.PATIENT)
    notes = notes_for_patient(user=user, patient_id=user.pk)
    audit_read_many(request, objects=notes)
    return render(request, "programs/notes/my_notes.html", {"notes": notes})
