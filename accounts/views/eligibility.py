"""“Do I qualify?”, enrolment and the staff review queue."""

from django import forms
from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from accounts.forms.eligibility import EligibilityCheckForm
from accounts.forms.enrolment import EnrolmentForm
from accounts.forms.people import TIME_ZONE_CHOICES
from accounts.selectors.eligibility import eligibility_reviews_pending
from accounts.selectors.enrolment import roster_entry_from_token
from accounts.services.eligibility import (
    eligibility_check,
    eligibility_rate_limit,
    eligibility_review_decide,
)
from accounts.services.enrolment import enrolment_create
from therapy.client_ip import client_ip
from therapy.errors import ApplicationError, RateLimitedError, form_add_error
from therapy.http import AuthenticatedHttpRequest


def check(request: HttpRequest) -> HttpResponse:
    form = EligibilityCheckForm(request.POST or None)
    search = request.GET.get("q", "").strip()
    sponsors = form.fields["sponsor"]
    if search and isinstance(sponsors, forms.ModelChoiceField) and sponsors.queryset is not None:
        sponsors.queryset = sponsors.queryset.filter(name__icontains=search)
    outcome = None
    status = 200
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            eligibility_rate_limit(client_ip=client_ip(request), sponsor=data["sponsor"])
            outcome = eligibility_check(**data)
        except RateLimitedError as exc:
            form.add_error(
                None,
                f"Too many checks from here right now. Try again in {exc.retry_after} seconds.",
            )
            status = 429
        except ApplicationError as exc:
            form_add_error(form, exc)
    response = render(
        request,
        "accounts/eligibility/check.html",
        {"form": form, "outcome": outcome, "search": search},
    )
    response.status_code = status
    return response


def enrol(request: HttpRequest, token: str) -> HttpResponse:
    try:
        entry = roster_entry_from_token(token)
    except ApplicationError as exc:
        return render(
            request, "accounts/enrolment/enrol_invalid.html", {"message": exc.message}, status=404
        )
    form = EnrolmentForm(request.POST or None, initial={"email": entry.email})
    if request.method == "POST" and form.is_valid():
        try:
            user = enrolment_create(roster_entry=entry, **form.cleaned_data)
        except ApplicationError as exc:
            form_add_error(form, exc)
        else:
            login(request, user, backend="django.contrib.auth.backends.ModelBackend")
            return redirect("programs:intake")
    return render(
        request,
        "accounts/enrolment/enrol.html",
        {"form": form, "entry": entry, "time_zones": TIME_ZONE_CHOICES},
    )


@login_required
def review_queue(request: AuthenticatedHttpRequest) -> HttpResponse:
    reviews = eligibility_reviews_pending(user=request.user)  # 404 unless staff
    return render(request, "accounts/eligibility/review_queue.html", {"reviews": reviews})


@login_required
@require_POST
def review_decide(request: AuthenticatedHttpRequest, review_id: int) -> HttpResponse:
    eligibility_reviews_pending(user=request.user)  # 404 unless staff
    approve = request.POST.get("decision") == "approve"
    try:
        eligibility_review_decide(review_id=review_id, staff_user=request.user, approve=approve)
    except ApplicationError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(
            request,
            "Approved; the person is emailed a link."
            if approve
            else "Rejected; the person is emailed.",
        )
    return redirect("eligibility:reviews")
