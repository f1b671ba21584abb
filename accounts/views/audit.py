"""The staff audit log and its CSV export, and a patient's access log."""

from datetime import UTC, datetime, time, timedelta

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse, StreamingHttpResponse
from django.shortcuts import render

from accounts.forms.audit import AuditSearchForm
from accounts.models import AuditEvent, User
from accounts.selectors.audit import (
    audit_access_log_for_patient,
    audit_csv_lines,
    audit_event_search,
)
from accounts.services.audit import audit_record
from therapy.permissions import require_role


@login_required
def access_log(request: HttpRequest) -> HttpResponse:
    user = require_role(request, User.Role.PATIENT)
    page = Paginator(audit_access_log_for_patient(patient=user), 50).get_page(
        request.GET.get("page")
    )
    return render(request, "accounts/audit/access_log.html", {"page": page})


# --- staff: audit and lockouts -----------------------------------------------------------
def _search(form: AuditSearchForm):  # -> QuerySet[AuditEvent]
    data = form.cleaned_data if form.is_valid() else {}
    since = data.get("since")
    until = data.get("until")
    return audit_event_search(
        actor_email=data.get("actor_email") or "",
        patient_id=data.get("patient_id"),
        action=data.get("action") or "",
        since=datetime.combine(since, time.min, tzinfo=UTC) if since else None,
        until=datetime.combine(until + timedelta(days=1), time.min, tzinfo=UTC) if until else None,
    )


@login_required
def audit_log(request: HttpRequest) -> HttpResponse:
    require_role(request, User.Role.STAFF)
    form = AuditSearchForm(request.GET or None)
    page = Paginator(_search(form), 100).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "accounts/audit/audit_log.html",
        {"form": form, "page": page, "query": query.urlencode()},
    )


@login_required
def audit_export_csv(request: HttpRequest) -> StreamingHttpResponse:
    require_role(request, User.Role.STAFF)
    events = _search(AuditSearchForm(request.GET or None))
    audit_record(request_or_actor=request, patient_id=None, action=AuditEvent.Action.EXPORT)
    response = StreamingHttpResponse(audit_csv_lines(events), content_type="text/csv")
    response["Content-Disposition"] = 'attachment; filename="audit-events.csv"'
    return response
