from typing import Any

from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.contrib.auth.forms import PasswordResetForm
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse_lazy

from accounts import selectors, services
from accounts.forms.people import (
    TIME_ZONE_CHOICES,
    EmailLoginForm,
    InvitedSignUpForm,
    PatientProfileForm,
    QueuedPasswordResetForm,
)
from accounts.models import Invitation, User
from accounts.selectors.enrolment import invitation_from_token
from accounts.services.audit import Action, audit_read, audit_record
from accounts.services.enrolment import invitation_accept
from accounts.services.people import SIGN_UP_ANSWER
from accounts.services.security import (
    RATE_LIMITED_PAGE_MESSAGE,
    password_reset_rate_limit,
    signup_rate_limit,
)
from therapy.client_ip import client_ip
from therapy.errors import ApplicationError, RateLimitedError, form_add_error
from therapy.http import AuthenticatedHttpRequest
from therapy.offline import clear_site_data
from therapy.permissions import require_role


def sign_up(request: HttpRequest) -> HttpResponse:
    """Open sign-up is closed: a person becomes a patient through their coverage ("Do I
    qualify?" and its enrolment link) or through a clinic's or PT's invitation, whose link opens
    this page with ?invitation=<signed token>. Without one, the page sends them to "Do I
    qualify?"."""
    if request.user.is_authenticated:
        return redirect("home")
    invitation, problem = None, ""
    token = request.GET.get("invitation", "")
    if token:
        try:
            invitation = invitation_from_token(token)
        except ApplicationError as exc:
            problem = exc.message
    form = InvitedSignUpForm(request.POST or None) if invitation else None
    status = 200
    if invitation and form is not None and request.method == "POST":
        try:
            signup_rate_limit(client_ip=client_ip(request), email=invitation.email)
        except RateLimitedError as exc:
            form.add_error(None, RATE_LIMITED_PAGE_MESSAGE.format(seconds=exc.retry_after))
            response = _sign_up_page(request, form=form, invitation=invitation, status=429)
            response["Retry-After"] = str(exc.retry_after)
            return response
        if form.is_valid():
            try:
                user = invitation_accept(invitation=invitation, **form.cleaned_data)
            except ApplicationError as exc:
                form_add_error(form, exc)
            else:
                # The same page whether the address was free or already had an account (then
                # user is None and its owner is emailed): sign-up never tells who has one.
                if user is not None:
                    audit_record(
                        request_or_actor=user, patient_id=user.pk, action=Action.CREATE, obj=user
                    )
                return render(
                    request,
                    "accounts/people/signup_sent.html",
                    {"message": SIGN_UP_ANSWER.format(email=invitation.email)},
                )
        status = 400
    return _sign_up_page(request, form=form, invitation=invitation, problem=problem, status=status)


def _sign_up_page(
    request: HttpRequest,
    *,
    form: InvitedSignUpForm | None,
    invitation: Invitation | None,
    problem: str = "",
    status: int = 200,
) -> HttpResponse:
    return render(
        request,
        "accounts/people/signup.html",
        {
            "form": form,
            "invitation": invitation,
            "problem": problem,
            "time_zones": TIME_ZONE_CHOICES,
        },
        status=status,
    )


@login_required
def profile(request: HttpRequest) -> HttpResponse:
    user = require_role(request, User.Role.PATIENT)
    current = user.patient_profile
    initial = {
        "first_name": user.first_name,
        "last_name": user.last_name,
        "date_of_birth": current.date_of_birth,
        "phone": current.phone,
        "state": current.state,
        "time_zone": current.time_zone,
        "preferred_language": current.preferred_language,
    }
    form = PatientProfileForm(request.POST or None, initial=initial)
    if request.method != "POST":
        audit_read(request, patient_id=user.pk, obj=current)
    if request.method == "POST" and form.is_valid():
        try:
            updated = services.patient_profile_update(user=user, **form.cleaned_data)
        except ApplicationError as exc:
            form_add_error(form, exc)
        else:
            audit_record(
                request_or_actor=request, patient_id=user.pk, action=Action.UPDATE, obj=updated
            )
            messages.success(request, "Your profile is saved.")
            return redirect("accounts:profile")
    return render(
        request, "accounts/people/profile.html", {"form": form, "time_zones": TIME_ZONE_CHOICES}
    )


@login_required
def patient_detail(request: AuthenticatedHttpRequest, patient_id: int) -> HttpResponse:
    patient = selectors.patient_get_for_user(user=request.user, patient_id=patient_id)
    audit_read(request, patient_id=patient.pk, obj=patient)
    return render(
        request,
        "accounts/people/patient_detail.html",
        {"patient": patient, "primary_therapist": selectors.primary_therapist_for(patient=patient)},
    )


class LoginView(auth_views.LoginView):
    template_name = "accounts/people/login.html"
    authentication_form = EmailLoginForm
    redirect_authenticated_user = True


class LogoutView(auth_views.LogoutView):
    """Logging out also clears what this browser kept for the app (the saved Today page, the
    service worker, completions waiting to be sent): the device may be shared."""

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        return clear_site_data(super().post(request, *args, **kwargs))


class PasswordResetView(auth_views.PasswordResetView):
    """Django's reset page, rate-limited per client IP and per address. Known and unknown
    addresses count alike and get the same answers, limited or not, so neither the page nor
    the limit tells whether an address has an account."""

    template_name = "accounts/people/password_reset_form.html"
    form_class = QueuedPasswordResetForm
    success_url = reverse_lazy("accounts:password_reset_done")

    def form_valid(self, form: PasswordResetForm) -> HttpResponse:
        try:
            password_reset_rate_limit(
                client_ip=client_ip(self.request), email=form.cleaned_data["email"]
            )
        except RateLimitedError as exc:
            form.add_error(None, RATE_LIMITED_PAGE_MESSAGE.format(seconds=exc.retry_after))
            response = self.render_to_response(self.get_context_data(form=form), status=429)
            response["Retry-After"] = str(exc.retry_after)
            return response
        return super().form_valid(form)


class PasswordResetConfirmView(auth_views.PasswordResetConfirmView):
    template_name = "accounts/people/password_reset_confirm.html"
    success_url = reverse_lazy("accounts:password_reset_complete")


class PasswordChangeView(auth_views.PasswordChangeView):
    template_name = "accounts/people/password_change_form.html"
    success_url = reverse_lazy("accounts:password_change_done")
