"""The PT's caseload: one page of patients with their figures, in a fixed number of queries."""

from collections import defaultdict
from dataclasses import dataclass
from datetime import timedelta
from decimal import Decimal

from django.core.paginator import Page, Paginator
from django.db.models import (
    Count,
    DecimalField,
    Exists,
    F,
    IntegerField,
    OrderBy,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Value,
)
from django.db.models.functions import Coalesce
from django.http import Http404
from django.utils import timezone

from accounts.models import CareTeamLink, User
from accounts.selectors import patient_list_for_user
from programs.models import Alert, OutcomeResponse, PatientSummary
from programs.selectors.alerts import alert_severity_rank

CASELOAD_PAGE_SIZE = 25


NEW_PATIENT_DAYS = 14


CASELOAD_FILTERS = {
    "all": "All patients",
    "alerts": "With open alerts",
    "inactive": "Inactive 7 days or more",
    "new": f"New (last {NEW_PATIENT_DAYS} days)",
}


CASELOAD_SORTS: dict[str, tuple[str, list[str | OrderBy]]] = {
    "name": ("Name", ["last_name", "first_name", "id"]),
    "alerts": (
        "Open alerts, urgent and most first",
        [F("urgent_alerts").desc(), F("open_alerts").desc(), "last_name", "first_name", "id"],
    ),
    "last_activity": (
        "Last activity, oldest first",
        [F("care_summary__last_activity_on").asc(nulls_first=True), "id"],
    ),
    "adherence": (
        "Adherence this week, lowest first",
        [F("care_summary__adherence_week_percent").asc(nulls_last=True), "id"],
    ),
    "pain": (
        "Recent pain, highest first",
        [F("care_summary__recent_pain").desc(nulls_last=True), "id"],
    ),
}


@dataclass
class CaseloadRow:
    patient: User
    open_alerts: list[Alert]
    latest_odi: Decimal | None

    @property
    def summary(self) -> PatientSummary | None:
        return getattr(self.patient, "care_summary", None)

    @property
    def pain_trend(self) -> Decimal | None:
        s = self.summary
        if s is None or s.recent_pain is None or s.previous_pain is None:
            return None
        return s.recent_pain - s.previous_pain


@dataclass
class Caseload:
    page: Page
    rows: list[CaseloadRow]
    q: str
    show: str
    sort: str


def _open_alert_count(*, urgent_only: bool = False) -> Coalesce:
    open_alerts = Alert.objects.filter(patient=OuterRef("pk"), acknowledged_at__isnull=True)
    if urgent_only:
        open_alerts = open_alerts.filter(severity=Alert.Severity.URGENT)
    return Coalesce(
        Subquery(
            open_alerts.order_by().values("patient").annotate(n=Count("id")).values("n"),
            output_field=IntegerField(),
        ),
        Value(0),
    )


def _caseload_ids(*, user: User, q: str, show: str, sort: str) -> QuerySet:
    """The ordered ids of the patients to list: filters and sort only, no per-row figures."""
    patients = patient_list_for_user(user=user)
    q = q.strip()
    if q:
        for word in q.split()[:4]:
            patients = patients.filter(
                Q(first_name__icontains=word)
                | Q(last_name__icontains=word)
                | Q(email__icontains=word)
            )
    today = timezone.now().date()
    if show == "alerts":
        patients = patients.filter(
            Exists(Alert.objects.filter(patient=OuterRef("pk"), acknowledged_at__isnull=True))
        )
    elif show == "inactive":
        patients = patients.filter(
            Q(care_summary__last_activity_on__isnull=True)
            | Q(care_summary__last_activity_on__lte=today - timedelta(days=7))
        )
    elif show == "new":
        patients = patients.filter(
            Exists(
                CareTeamLink.objects.filter(
                    patient=OuterRef("pk"),
                    ended_at__isnull=True,
                    started_at__gte=timezone.now() - timedelta(days=NEW_PATIENT_DAYS),
                )
            )
        )
    if sort == "alerts":
        patients = patients.annotate(
            open_alerts=_open_alert_count(), urgent_alerts=_open_alert_count(urgent_only=True)
        )
    return patients.order_by(*CASELOAD_SORTS[sort][1]).values_list("pk", flat=True)


def caseload_for_user(
    *, user: User, q: str = "", show: str = "all", sort: str = "name", page: int | str = 1
) -> Caseload:
    """One page of the caseload in four queries at any size: the count, the page's ids (filter
    and sort only), those patients with their summary row, latest ODI and alert count, and
    their open alerts. Per-row figures are computed for the page, never for the caseload."""
    if not (user.is_therapist or user.is_operations_staff):
        raise Http404("The caseload is for physical therapists.")
    show = show if show in CASELOAD_FILTERS else "all"
    sort = sort if sort in CASELOAD_SORTS else "name"
    paginator = Paginator(_caseload_ids(user=user, q=q, show=show, sort=sort), CASELOAD_PAGE_SIZE)
    the_page = paginator.get_page(page)
    ids = list(the_page.object_list)
    patients: list[User] = []
    alerts: dict[int, list[Alert]] = defaultdict(list)
    if ids:
        latest_odi = OutcomeResponse.objects.filter(
            patient=OuterRef("pk"), measure=OutcomeResponse.Measure.ODI
        ).order_by("-answered_at")
        by_id = {
            p.pk: p
            for p in User.objects.filter(pk__in=ids)
            .select_related("patient_profile", "care_summary")
            .annotate(
                open_alerts=_open_alert_count(),
                latest_odi=Subquery(
                    latest_odi.values("score")[:1],
                    output_field=DecimalField(max_digits=5, decimal_places=1),
                ),
            )
        }
        patients = [by_id[pk] for pk in ids]
        for alert in Alert.objects.filter(
            patient_id__in=ids, acknowledged_at__isnull=True
        ).order_by(alert_severity_rank(), "-opened_at"):
            alerts[alert.patient_id].append(alert)
    rows = [
        CaseloadRow(p, alerts[p.pk], p.latest_odi)  # type: ignore[attr-defined]  # an annotation
        for p in patients
    ]
    return Caseload(page=the_page, rows=rows, q=q, show=show, sort=sort)
