from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.csrf import csrf_exempt

from accounts.forms.people import TIME_ZONE_CHOICES
from accounts.models import User
from accounts.services.audit import Action, audit_read, audit_record
from programs import notifications
from programs.forms.reminders import ReminderSettingsForm
from programs.models import ReminderChannel
from programs.push import push_enabled
from programs.reminders_times import weekdays_from_mask
from programs.selectors.push import push_subscriptions_for_user
from programs.selectors.reminders import reminder_log_for_user, reminder_settings_for_user
from programs.services.reminders import (
    ReminderChoices,
    reminder_settings_update,
    reminders_unsubscribe,
)
from therapy.errors import ApplicationError, form_add_error
from therapy.permissions import require_role


@login_required
def reminder_settings(request: HttpRequest) -> HttpResponse:
    user = require_role(request, User.Role.PATIENT)
    current = reminder_settings_for_user(user=user)
    prefs = current.settings
    initial = {
        "enabled": True if current.is_new else prefs.enabled,
        "times": ", ".join(t.strftime("%H:%M") for t in current.times) or "08:00",
        "weekdays": [str(d) for d in weekdays_from_mask(prefs.weekdays)],
        # The profile's zone is the one source of truth for the patient's times.
        "time_zone": user.patient_profile.time_zone,
        "channel": prefs.channel,
        "quiet_start": prefs.quiet_start,
        "quiet_end": prefs.quiet_end,
    }
    form = ReminderSettingsForm(request.POST or None, initial=initial)
    if not push_enabled() and prefs.channel != ReminderChannel.PUSH:
        # Not offered without a VAPID key pair (docs/reminders.md, "Keys"). A saved choice
        # stays visible so the patient sees what they have; saving it again says why it can't.
        channel = form.fields["channel"]
        channel.choices = [c for c in channel.choices if c[0] != ReminderChannel.PUSH]  # type: ignore[attr-defined]
    form.fields["time_zone"].help_text = (
        "Reminders follow the time zone in your profile "
        f"({user.patient_profile.time_zone}). Change it here and your profile changes "
        "too."
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        choices = ReminderChoices(
            enabled=data["enabled"],
            weekdays=data["weekdays"],
            times=data["times"],
            time_zone=data["time_zone"] or user.patient_profile.time_zone,
            channel=data["channel"],
            quiet_start=data["quiet_start"],
            quiet_end=data["quiet_end"],
            pause_days=data["pause"],
        )
        try:
            saved = reminder_settings_update(patient=user, choices=choices)
        except ApplicationError as exc:
            form_add_error(form, exc)
        else:
            audit_record(
                request_or_actor=request,
                patient_id=user.pk,
                action=Action.UPDATE,
                obj=saved,
            )
            messages.success(request, "Your reminder settings are saved.")
            return redirect("programs:reminders")
    return render(
        request,
        "programs/reminders/settings.html",
        {
            "form": form,
            "prefs": prefs,
            "is_new": current.is_new,
            "time_zones": TIME_ZONE_CHOICES,
            "push_devices": list(push_subscriptions_for_user(user=user)),
            "push_public_key": settings.VAPID_PUBLIC_KEY if push_enabled() else "",
        },
    )


@login_required
def reminder_log(request: HttpRequest) -> HttpResponse:
    user = require_role(request, User.Role.PATIENT)
    deliveries = reminder_log_for_user(user=user)
    audit_read(request, patient_id=user.pk, obj=user)
    return render(request, "programs/reminders/log.html", {"deliveries": deliveries})


# Mail providers POST here for one-click unsubscribe (RFC 8058) with no session or CSRF token;
# the signed token is the authority. A GET only shows the button, so link scanners change nothing.
@csrf_exempt
def reminder_unsubscribe(request: HttpRequest, token: str) -> HttpResponse:
    patient_id = notifications.unsubscribe_patient_id(token)
    if patient_id is None:
        raise Http404("This link is not valid.")
    if request.method == "POST":
        if not reminders_unsubscribe(patient_id=patient_id):
            raise Http404("This link is not valid.")
        return render(request, "programs/reminders/unsubscribed.html")
    return render(request, "programs/reminders/unsubscribe.html", {"token": token})
