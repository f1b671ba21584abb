"""Bare Django views doing the same database work as our endpoints: the floor we compare with."""

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.urls import path

# isort: split
# The project's selectors and helpers these views use, in one place: update these lines when
# they move (bench/urls.py is loaded only after Django is set up).
from programs import sessions_schedule
from programs.selectors.progress import adherence_weeks
from programs.selectors.sessions import ITEM_FIELDS


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


def _caseload_ids(therapist: object) -> object:
    from accounts.models import CareTeamLink

    return CareTeamLink.objects.filter(therapist=therapist, ended_at__isnull=True).values(
        "patient_id"
    )


@login_required
def caseload_floor(request: HttpRequest) -> JsonResponse:
    """The caseload API's database work (count, the page's ids, those rows with the summary
    row and two subqueries, their open alerts) with .values() and no serializer."""
    from django.db.models import Count, IntegerField, OuterRef, Subquery, Value
    from django.db.models.functions import Coalesce

    from accounts.models import User
    from programs.models import Alert, OutcomeResponse

    patients = User.objects.filter(role="patient", id__in=_caseload_ids(request.user))
    count = patients.count()
    ids = list(patients.order_by("last_name", "first_name", "id").values_list("id", flat=True)[:25])
    open_alerts = Alert.objects.filter(patient=OuterRef("pk"), acknowledged_at__isnull=True)
    rows = list(
        User.objects.filter(id__in=ids)
        .annotate(
            open_alerts=Coalesce(
                Subquery(
                    open_alerts.order_by().values("patient").annotate(n=Count("id")).values("n"),
                    output_field=IntegerField(),
                ),
                Value(0),
            ),
            latest_odi=Subquery(
                OutcomeResponse.objects.filter(patient=OuterRef("pk"), measure="odi")
                .order_by("-answered_at")
                .values("score")[:1]
            ),
        )
        .values(
            "id",
            "first_name",
            "last_name",
            "email",
            "patient_profile__time_zone",
            "care_summary__last_activity_on",
            "care_summary__adherence_week_percent",
            "care_summary__latest_pain",
            "care_summary__recent_pain",
            "care_summary__previous_pain",
            "latest_odi",
            "open_alerts",
        )
    )
    alerts = list(
        Alert.objects.filter(patient_id__in=ids, acknowledged_at__isnull=True).values(
            "id", "patient_id", "kind", "severity", "opened_at"
        )
    )
    return JsonResponse({"count": count, "results": rows, "alerts": alerts})


@login_required
def caseload_naive(request: HttpRequest) -> JsonResponse:
    """What a caseload computed on read looks like: every figure queried per patient."""
    from datetime import timedelta

    from django.db.models import Avg, Max

    from accounts.models import User
    from programs.models import Alert, Completion, ExerciseSession, OutcomeResponse

    patients = User.objects.filter(id__in=_caseload_ids(request.user)).select_related(
        "patient_profile"
    )
    rows = []
    for p in patients.order_by("last_name", "first_name", "id"):
        today = sessions_schedule.local_today(p.patient_profile.time_zone)
        last = ExerciseSession.objects.filter(patient=p, completions__isnull=False).aggregate(
            last=Max("local_date")
        )["last"]
        recent = Completion.objects.filter(
            session__patient=p, session__local_date__gte=today - timedelta(days=6)
        ).aggregate(avg=Avg("pain"))["avg"]
        week = adherence_weeks(patient=p, today=today, weeks=1)[0]
        odi = (
            OutcomeResponse.objects.filter(patient=p, measure="odi")
            .order_by("-answered_at")
            .values_list("score", flat=True)
            .first()
        )
        alerts = list(
            Alert.objects.filter(patient=p, acknowledged_at__isnull=True).values("id", "kind")
        )
        rows.append(
            {
                "id": p.pk,
                "last_activity_on": last,
                "recent_pain": recent,
                "adherence": week.percent,
                "latest_odi": odi,
                "alerts": alerts,
            }
        )
    return JsonResponse({"count": len(rows), "results": rows[:25]})


def bare(request: HttpRequest) -> HttpResponse:
    """No database work and no template: what any page costs through gunicorn and the
    middleware (session, sign-in, second factor) before its own work (bench_web)."""
    return HttpResponse("ok", content_type="text/plain")


urlpatterns = [
    path("bare/", bare),
    path("patients/", patient_list_floor),
    path("today/", today_plan_floor),
    path("caseload/", caseload_floor),
    path("caseload-naive/", caseload_naive),
]
