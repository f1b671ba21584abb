"""Bare Django views doing the same database work as our endpoints: the floor we compare with."""

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, JsonResponse
from django.urls import path


@login_required
def patient_list_floor(request: HttpRequest) -> JsonResponse:
    from accounts.models import CareTeamLink, User

    ids = CareTeamLink.objects.filter(therapist=request.user, ended_at__isnull=True).values(
        "patient_id"
    )
    rows = list(
        User.objects.filter(id__in=ids)
        .order_by("last_name", "first_name", "id")
        .values(
            "id",
            "email",
            "first_name",
            "last_name",
            "role",
            "patient_profile__date_of_birth",
            "patient_profile__phone",
            "patient_profile__state",
            "patient_profile__time_zone",
            "patient_profile__preferred_language",
        )
    )
    return JsonResponse(rows, safe=False)


@login_required
def today_plan_floor(request: HttpRequest) -> JsonResponse:
    """The rows the today-plan API reads, straight from .values(): no schedule, no DRF."""
    from django.db.models import F

    from programs.models import PlanItem
    from programs.selectors.today_api import ITEM_FIELDS

    rows = list(
        PlanItem.objects.filter(
            version__plan__patient=request.user,
            version__plan__status="active",
            version__plan__current_version=F("version"),
        )
        .order_by("order")
        .values(*ITEM_FIELDS)
    )
    return JsonResponse(rows, safe=False)


urlpatterns = [
    path("patients/", patient_list_floor),
    path("today/", today_plan_floor),
]
