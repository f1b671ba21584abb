"""The PT's caseload page."""

from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import render

from accounts.services.audit import audit_read_many
from programs.selectors.caseload import CASELOAD_FILTERS, CASELOAD_SORTS, caseload_for_user
from therapy.http import AuthenticatedHttpRequest


@login_required
def caseload(request: AuthenticatedHttpRequest) -> HttpResponse:
    data = caseload_for_user(
        user=request.user,
        q=request.GET.get("q", "")[:100],
        show=request.GET.get("show", "all"),
        sort=request.GET.get("sort", "name"),
        page=request.GET.get("page", 1),
    )
    audit_read_many(request, objects=[row.patient for row in data.rows], patient_attr="pk")
    return render(
        request,
        "programs/caseload/caseload.html",
        {
            "caseload": data,
            "filters": CASELOAD_FILTERS,
            "sorts": {k: v[0] for k, v in CASELOAD_SORTS.items()},
        },
    )
