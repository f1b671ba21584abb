"""Removing a Web Push device from the reminder settings page (adding one is the browser's
job, through the API, since only JavaScript can subscribe)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.views.decorators.http import require_POST

from accounts.models import User
from accounts.services.audit import Action, audit_record
from programs.selectors.push import push_subscription_get_for_user
from programs.services.push import push_unsubscribe
from therapy.permissions import require_role


@login_required
@require_POST
def push_device_remove(request: HttpRequest, subscription_id: int) -> HttpResponse:
    user = require_role(request, User.Role.PATIENT)
    subscription = push_subscription_get_for_user(user=user, subscription_id=subscription_id)
    audit_record(
        request_or_actor=request, patient_id=user.pk, action=Action.DELETE, obj=subscription
    )
    push_unsubscribe(subscription=subscription)
    messages.success(request, "That device will no longer get reminder notifications.")
    return redirect("programs:reminders")
