"""The staff care-coordination queue: patients without a PT, alerts without an owner."""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from accounts.models import User
from accounts.services.audit import audit_read_many
from programs.selectors.alerts import alert_describe
from programs.selectors.triage import triage_queue
from programs.services.triage import triage_assign_therapist
from therapy.errors import ApplicationError
from therapy.permissions import require_role


@login_required
def triage(request: HttpRequest) -> HttpResponse:
    user: User = require_role(request, User.Role.STAFF)
    queue = triage_queue(user=user)
    audit_read_many(request, objects=[row.patient for row in queue.patients], patient_attr="pk")
    audit_read_many(request, objects=queue.alerts)
    return render(
        request,
        "programs/triage/triage.html",
        {
            "queue": queue,
            "alert_rows": [(alert, alert_describe(alert)) for alert in queue.alerts],
            "escalation_hours": settings.ALERT_ESCALATION_HOURS,
        },
    )


@login_required
@require_POST
def triage_assign(request: HttpRequest, patient_id: int) -> HttpResponse:
    user: User = require_role(request, User.Role.STAFF)
    try:
        therapist_id = int(request.POST.get("therapist_id", ""))
    except ValueError:
        messages.error(request, "Choose a physical therapist.")
        return redirect("programs:triage")
    try:
        link = triage_assign_therapist(
            staff=user, patient_id=patient_id, therapist_id=therapist_id, audit_as=request
        )
    except ApplicationError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(
            request,
            f"{link.therapist.get_full_name()} is now the physical therapist of patient "
            f"#{patient_id}. They have been told about any open alerts.",
        )
    return redirect("programs:triage")
