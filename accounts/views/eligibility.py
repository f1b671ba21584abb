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
from accounts.models import RosterEntry
from accounts.selectors.eligibility import eligibility_reviews_pending
from accounts.selectors.enrolment import (
    ENROLMENT_CONFIRM_INVALID,
    enrolment_pending_id_from_token,
    roster_entry_from_token,
)
from accounts.services.audit import Action, audit_record
from accounts.services.eligibility import (
    eligibility_check,
    eligibility_rate_limit,
    eligibility_review_decide,
)
from accounts.services.enrolment import enrolment_confirm, enrolment_request
from accounts.services.people import SIGN_UP_ANSWER
from accounts.services.security import RATE_LIMITED_PAGE_MESSAGE, signup_rate_limit
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
    """Step one of enrolling: the form. A valid one creates nothing yet: the address gets a
    link to finish (or, when it already has an account, a note to its owner), and the page
    says the same in both cases."""
    try:
        entry = roster_entry_from_token(token)
    except ApplicationError as exc:
        return render(
            request, "accounts/enrolment/enrol_invalid.html", {"message": exc.message}, status=404
        )
    form = EnrolmentForm(request.POST or None, initial={"email": entry.email})
    status = 200
    if request.method == "POST":
        try:
            signup_rate_limit(client_ip=client_ip(request), email=request.POST.get("email", ""))
        except RateLimitedError as exc:
            form.add_error(None, RATE_LIMITED_PAGE_MESSAGE.format(seconds=exc.retry_after))
            response = _enrol_page(request, form=form, entry=entry, status=429)
            response["Retry-After"] = str(exc.retry_after)
            return response
        if form.is_valid():
            try:
                enrolment_request(roster_entry=entry, **form.cleaned_data)
            except ApplicationError as exc:
                form_add_error(form, exc)
            else:
                return render(
                    request,
                    "accounts/people/signup_sent.html",
                    {"message": SIGN_UP_ANSWER.format(email=form.cleaned_data["email"])},
                )
        status = 400
    return _enrol_page(request, form=form, entry=entry, status=status)


def _enrol_page(
    request: HttpRequest, *, form: EnrolmentForm, entry: RosterEntry, status: int
) -> HttpResponse:
    return render(
        request,
        "accounts/enrolment/enrol.html",
        {"form": form, "entry": entry, "time_zones": TIME_ZONE_CHOICES},
        status=status,
    )


def enrol_confirm(request: HttpRequest, token: str) -> HttpResponse:
    """Step two: the link emailed by step one. GET shows a button (mail scanners that open
    links must not use it up); POST creates the account, signs the person in and starts the
    intake."""
    try:
        pending_id = enrolment_pending_id_from_token(token)
    except ApplicationError as exc:
        return render(
            request, "accounts/enrolment/enrol_invalid.html", {"message": exc.message}, status=404
        )
    if request.method != "POST":
        return render(request, "accounts/enrolment/enrol_confirm.html")
    try:
        user = enrolment_confirm(pending_id=pending_id)
    except ApplicationError as exc:
        return render(
            request, "accounts/enrolment/enrol_invalid.html", {"message": exc.message}, status=400
        )
    if user is None:
        # used meanwhile, or the address got an account meanwhile (its owner is emailed)
        return render(
            request,
            "accounts/enrolment/enrol_invalid.html",
            {"message": ENROLMENT_CONFIRM_INVALID},
            status=404,
        )
    audit_record(request_or_actor=user, patient_id=user.pk, action=Action.CREATE, obj=user)
    login(request, user, backend="django.contrib.auth.backends.ModelBackend")
    return redirect("programs:intake")


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
