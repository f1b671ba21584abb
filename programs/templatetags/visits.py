"""Messages and video visits on the PT's patient page."""

from django import template
from django.utils import timezone

from accounts.models import User
from programs.selectors.messaging import unread_count_in_thread
from programs.selectors.visits import viewer_time_zone, visit_list_for_patient

register = template.Library()


@register.inclusion_tag("programs/visits/_patient_section.html", takes_context=True)
def care_contact_section(context: template.Context, patient: User) -> dict:
    """Messages and video visits on the PT's patient page. The page has already checked access."""
    user: User = context["user"]
    return {
        "user": user,
        "patient": patient,
        "csrf_token": context.get("csrf_token"),
        "patient_unread": unread_count_in_thread(user=user, patient=patient),
        "patient_visits": list(visit_list_for_patient(user=user, patient=patient)),
        "viewer_zone": viewer_time_zone(user=user),
        "now": timezone.now(),
    }
