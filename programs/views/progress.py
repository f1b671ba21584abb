"""The patient's Progress page."""

from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import render

from accounts.models import User
from accounts.services.audit import audit_read
from programs.charts import pain_chart
from programs.selectors.progress import progress_for_patient
from therapy.http import AuthenticatedHttpRequest
from therapy.permissions import require_role


@login_required
def progress(request: AuthenticatedHttpRequest) -> HttpResponse:
    patient = require_role(request, User.Role.PATIENT)
    data = progress_for_patient(patient=patient)
    audit_read(request, patient_id=patient.pk, obj=patient)
    return render(
        request,
        "programs/progress/progress.html",
        {"progress": data, "chart": pain_chart(data.pain)},
    )
