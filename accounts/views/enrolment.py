"""Invitations: a PT or clinic staff invites a person, who joins through the emailed link."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from accounts.forms.people import InvitationForm
from accounts.models import User
from accounts.selectors.enrolment import invitations_sent_by
from accounts.services.enrolment import invitation_create
from therapy.errors import ApplicationError, form_add_error
from therapy.permissions import require_role


@login_required
def invitations(request: HttpRequest) -> HttpResponse:
    user: User = require_role(request, User.Role.THERAPIST, User.Role.STAFF)
    form = InvitationForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            invitation = invitation_create(invited_by=user, **form.cleaned_data)
        except ApplicationError as exc:
            form_add_error(form, exc)
        else:
            messages.success(
                request,
                f"Invitation sent to {invitation.email}. The link works once, until "
                f"{invitation.expires_at:%Y-%m-%d}.",
            )
            return redirect("accounts:invitations")
    return render(
        request,
        "accounts/enrolment/invitations.html",
        {"form": form, "invitations": invitations_sent_by(user=user)},
        status=400 if form.errors else 200,
    )
