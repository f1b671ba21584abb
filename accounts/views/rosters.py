"""The employer admin's roster pages: uploads and their imports, rejected rows, roster search.

Every view starts from employer_sponsor_for(user), which answers 404 to anyone who is not an
employer admin; everything else is read through that sponsor.
"""

import csv

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse, StreamingHttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from accounts.forms.rosters import RosterUploadForm
from accounts.models import RosterImport
from accounts.selectors.employer import employer_sponsor_for
from accounts.selectors.rosters import (
    roster_entry_get,
    roster_import_get,
    roster_import_list,
    roster_search,
)
from accounts.services.rosters import (
    roster_import_cancel,
    roster_import_confirm,
    roster_import_create,
)
from therapy.errors import ApplicationError, form_add_error
from therapy.http import AuthenticatedHttpRequest


@login_required
def imports(request: AuthenticatedHttpRequest) -> HttpResponse:
    sponsor = employer_sponsor_for(user=request.user)
    form = RosterUploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            created = roster_import_create(
                sponsor=sponsor, file=form.cleaned_data["file"], uploaded_by=request.user
            )
        except ApplicationError as exc:
            form_add_error(form, exc)
        else:
            messages.success(request, "The file is uploaded. It is being processed now.")
            return redirect("employer:import-detail", import_id=created.pk)
    return render(
        request,
        "accounts/rosters/imports.html",
        {"sponsor": sponsor, "form": form, "imports": roster_import_list(sponsor=sponsor)},
    )


@login_required
def import_detail(request: AuthenticatedHttpRequest, import_id: int) -> HttpResponse:
    sponsor = employer_sponsor_for(user=request.user)
    found = roster_import_get(sponsor=sponsor, import_id=import_id)
    busy = found.status in (
        RosterImport.Status.PENDING,
        RosterImport.Status.PROCESSING,
        RosterImport.Status.CONFIRMED,
    )
    return render(
        request,
        "accounts/rosters/import_detail.html",
        {
            "sponsor": sponsor,
            "roster_import": found,
            "busy": busy,
            "rejections": found.rejections.all()[:20],
        },
    )


@login_required
@require_POST
def import_decide(request: AuthenticatedHttpRequest, import_id: int) -> HttpResponse:
    sponsor = employer_sponsor_for(user=request.user)
    found = roster_import_get(sponsor=sponsor, import_id=import_id)
    try:
        if request.POST.get("decision") == "apply":
            roster_import_confirm(roster_import=found, user=request.user)
            messages.success(request, "Confirmed. The file is being applied.")
        else:
            roster_import_cancel(roster_import=found, user=request.user)
            messages.success(request, "Cancelled. The roster in force is unchanged.")
    except ApplicationError as exc:
        messages.error(request, exc.message)
    return redirect("employer:import-detail", import_id=found.pk)


class _Echo:
    def write(self, value: str) -> str:
        return value


@login_required
def import_rejections_csv(
    request: AuthenticatedHttpRequest, import_id: int
) -> StreamingHttpResponse:
    sponsor = employer_sponsor_for(user=request.user)
    found = roster_import_get(sponsor=sponsor, import_id=import_id)
    writer = csv.writer(_Echo())
    rows = found.rejections.order_by("row_number", "id").values_list(
        "row_number", "column", "reason"
    )

    def lines():
        yield writer.writerow(["row_number", "column", "reason"])
        for row in rows.iterator(chunk_size=2000):
            yield writer.writerow(row)

    response = StreamingHttpResponse(lines(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="import-{found.pk}-rejected-rows.csv"'
    return response


@login_required
def roster(request: AuthenticatedHttpRequest) -> HttpResponse:
    sponsor = employer_sponsor_for(user=request.user)
    query = request.GET.get("q", "")
    entries = roster_search(sponsor=sponsor, query=query) if query.strip() else []
    return render(
        request,
        "accounts/rosters/roster.html",
        {"sponsor": sponsor, "query": query, "entries": entries},
    )


@login_required
def roster_entry(request: AuthenticatedHttpRequest, entry_id: int) -> HttpResponse:
    sponsor = employer_sponsor_for(user=request.user)
    entry = roster_entry_get(sponsor=sponsor, entry_id=entry_id)
    return render(
        request, "accounts/rosters/roster_entry.html", {"sponsor": sponsor, "entry": entry}
    )
