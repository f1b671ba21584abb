"""Pages of the care-team thread: the patient's thread, the PT's inbox and a patient's thread."""

from django.contrib import messages as flash
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import redirect, render

from accounts.models import User
from accounts.selectors.people import primary_therapist_for
from accounts.services.audit import Action, audit_read, audit_record
from programs.forms.messaging import MessageForm
from programs.selectors import messaging as selectors
from programs.selectors.visits import viewer_time_zone
from programs.services import messaging as services
from therapy.errors import ApplicationError, form_add_error
from therapy.http import AuthenticatedHttpRequest
from therapy.permissions import require_role


@login_required
def messages_home(request: AuthenticatedHttpRequest) -> HttpResponse:
    """A patient's own thread; a PT's inbox of their caseload's threads."""
    user = require_role(request, User.Role.PATIENT, User.Role.THERAPIST)
    if user.is_patient:
        return thread(request, patient_id=user.pk)
    page = Paginator(selectors.thread_list_for_user(user=user), 50).get_page(
        request.GET.get("page")
    )
    return render(
        request,
        "programs/messaging/inbox.html",
        {"page": page, "viewer_zone": viewer_time_zone(user=user)},
    )


@login_required
def thread(request: AuthenticatedHttpRequest, patient_id: int) -> HttpResponse:
    # The selector is the check: 404 unless the user is the patient or on their care team.
    user = request.user
    patient = selectors.thread_get_for_user(user=user, patient_id=patient_id)
    form = MessageForm(request.POST or None)
    therapist = primary_therapist_for(patient=patient)
    if request.method == "POST" and form.is_valid():
        try:
            message = services.message_post(
                sender=user, patient=patient, body=form.cleaned_data["body"]
            )
        except ApplicationError as exc:
            form_add_error(form, exc)
        else:
            audit_record(
                request_or_actor=request, patient_id=patient.pk, action=Action.CREATE, obj=message
            )
            flash.success(request, selectors.message_sent_text(therapist=therapist))
            return redirect(request.path)
    services.thread_mark_read(user=user, patient=patient)
    audit_read(request, patient_id=patient.pk, obj=patient)
    return render(
        request,
        "programs/messaging/thread.html",
        {
            "patient": patient,
            "thread_messages": selectors.thread_messages(patient=patient),
            "form": form,
            "viewer_zone": viewer_time_zone(user=user),
            "therapist": therapist,
            "who_answers": selectors.message_sent_text(therapist=therapist, sent=False),
        },
        status=400 if form.errors else 200,
    )
