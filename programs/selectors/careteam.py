"""Reads for the care team: caseload, alerts, outcome measures and charts, progress notes."""

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal

from django.core.paginator import Page, Paginator
from django.db.models import (
    Count,
    Exists,
    F,
    IntegerField,
    Max,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Subquery,
    Value,
)
from django.db.models.functions import Coalesce
from django.http import Http404
from django.utils import timezone

from accounts.models import CareTeamLink, User
from accounts.selectors import patient_get_for_user, patient_list_for_user
from programs import outcomes, schedule
from programs.models import Alert, OutcomeResponse, ProgressNote, ProgressNoteVersion
from therapy.permissions import get_patient_record_or_404, scope_patient_records

# --- caseload --------------------------------------------------------------------------
CASELOAD_PAGE_SIZE = 25
NEW_PATIENT_DAYS = 14
CASELOAD_FILTERS = {
    "all": "All patients",
    "alerts": "With open alerts",
    "inactive": "Inactive 7 days or more",
    "new": f"New (last {NEW_PATIENT_DAYS} days)",
}
CASELOAD_SORTS = {
    "name": ("Name", ["last_name", "first_name", "id"]),
    "alerts": (
        "Open alerts, most first",
        [F("open_alerts").desc(), "last_name", "first_name", "id"],
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
    def summary(self) -> object | None:
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


def _open_alert_count() -> Coalesce:
    open_alerts = Alert.objects.filter(patient=OuterRef("pk"), acknowledged_at__isnull=True)
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
        patients = patients.annotate(open_alerts=_open_alert_count())
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
                latest_odi=Subquery(latest_odi.values("score")[:1]),
            )
        }
        patients = [by_id[pk] for pk in ids]
        for alert in Alert.objects.filter(
            patient_id__in=ids, acknowledged_at__isnull=True
        ).order_by("severity", "-opened_at"):
            alerts[alert.patient_id].append(alert)
    rows = [CaseloadRow(p, alerts[p.pk], p.latest_odi) for p in patients]
    return Caseload(page=the_page, rows=rows, q=q, show=show, sort=sort)


# --- alerts ----------------------------------------------------------------------------
def alerts_for_patient(*, user: User, patient: User) -> list[Alert]:
    """Open alerts first, then acknowledged ones, newest first. Clinical users only."""
    alerts = scope_patient_records(Alert.objects.filter(patient=patient), user=user)
    return list(
        alerts.select_related("acknowledged_by").order_by(
            F("acknowledged_at").desc(nulls_first=True), "-opened_at"
        )
    )


def alert_get_for_user(*, user: User, alert_id: int) -> Alert:
    if user.is_patient:
        raise Http404("No such alert.")
    return get_patient_record_or_404(
        Alert.objects.select_related("patient", "acknowledged_by"), user=user, pk=alert_id
    )


def alert_describe(alert: Alert) -> str:
    """The rule's numbers in one sentence for the PT."""
    d = alert.details or {}
    if alert.kind == Alert.Kind.PAIN_UP:
        return (
            f"Mean pain in the last {d.get('window_days')} days is {d.get('recent_pain')}/10, "
            f"up {d.get('change')} from the first week's {d.get('baseline_pain')}/10."
        )
    if alert.kind == Alert.Kind.INACTIVE:
        return f"No exercise recorded for {d.get('days_without_activity')} days."
    if alert.kind == Alert.Kind.TOO_HARD:
        return (
            f"{d.get('too_hard')} of {d.get('completions')} exercises in the last "
            f"{d.get('window_days')} days were marked too hard."
        )
    return "A red flag was reported. Contact the patient before the program continues."


# --- outcome measures ------------------------------------------------------------------
def outcome_history(*, patient: User) -> dict[str, list[OutcomeResponse]]:
    out: dict[str, list[OutcomeResponse]] = {m: [] for m in OutcomeResponse.Measure.values}
    for response in OutcomeResponse.objects.filter(patient=patient).order_by("answered_at"):
        out[response.measure].append(response)
    return out


def outcomes_due_for(*, patient: User) -> list[outcomes.Due]:
    today = schedule.local_today(patient.patient_profile.time_zone)
    last = dict(
        OutcomeResponse.objects.filter(patient=patient)
        .values("measure")
        .annotate(last=Max("local_date"))
        .values_list("measure", "last")
    )
    return outcomes.measures_due(today=today, last_answered=last)


@dataclass
class ChartPoint:
    day: date
    value: Decimal
    x: float
    y: float
    change: Decimal | None  # from the first value
    meaningful: bool  # |change| >= MCID
    improved: bool


@dataclass
class Chart:
    measure: str
    title: str
    unit: str
    max_value: int
    mcid: Decimal
    points: list[ChartPoint] = field(default_factory=list)
    width: int = 600
    height: int = 240
    left: int = 44
    right: int = 16
    top: int = 16
    bottom: int = 36

    @property
    def polyline(self) -> str:
        return " ".join(f"{p.x:.1f},{p.y:.1f}" for p in self.points)

    @property
    def gridlines(self) -> list[tuple[int, float]]:
        step = self.max_value // 5 or 1
        return [(v, self._y(Decimal(v))) for v in range(0, self.max_value + 1, step)]

    @property
    def x_end(self) -> int:
        return self.width - self.right

    @property
    def y_bottom(self) -> int:
        return self.height - self.bottom

    def _y(self, value: Decimal) -> float:
        span = self.height - self.top - self.bottom
        return self.top + span * (1 - float(value) / self.max_value)

    @property
    def summary(self) -> str:
        if not self.points:
            return f"No {self.title.lower()} answers yet."
        first, last = self.points[0], self.points[-1]
        if len(self.points) == 1:
            return f"One answer so far: {first.value}{self.unit} on {first.day.isoformat()}."
        change = last.value - first.value
        word = "meaningful " if last.meaningful else ""
        direction = "lower (better)" if change < 0 else "higher (worse)" if change > 0 else "same"
        return (
            f"{len(self.points)} answers from {first.day.isoformat()} to {last.day.isoformat()}: "
            f"from {first.value}{self.unit} to {last.value}{self.unit}, "
            f"{abs(change)} points {direction}; a {word}change "
            f"(the threshold for a meaningful change is {self.mcid} points)."
            if change
            else f"{len(self.points)} answers, no change from {first.value}{self.unit}."
        )


def outcome_chart(
    *, measure: str, responses: list[OutcomeResponse], lower_is_better: bool = True
) -> Chart:
    """A server-drawn line chart; points that differ from the first answer by at least the
    MCID are marked. Lower is better for pain and ODI."""
    config = {
        "nrs": ("Pain check-in", "/10", 10, outcomes.MCID_NRS),
        "odi": ("Oswestry Disability Index", "%", 100, outcomes.MCID_ODI),
        "psfs": ("Patient-Specific Functional Scale", "/10", 10, outcomes.MCID_PSFS),
    }
    title, unit, max_value, mcid = config[measure]
    chart = Chart(measure=measure, title=title, unit=unit, max_value=max_value, mcid=mcid)
    if not responses:
        return chart
    first_day = responses[0].local_date
    span_days = max(1, (responses[-1].local_date - first_day).days)
    plot_w = chart.width - chart.left - chart.right
    baseline = responses[0].score
    for r in responses:
        x = chart.left + (plot_w * (r.local_date - first_day).days / span_days if span_days else 0)
        if len(responses) == 1:
            x = chart.left + plot_w / 2
        change = r.score - baseline if r is not responses[0] else None
        chart.points.append(
            ChartPoint(
                day=r.local_date,
                value=r.score,
                x=x,
                y=chart._y(r.score),
                change=change,
                meaningful=change is not None and abs(change) >= mcid,
                improved=change is not None and ((change < 0) == lower_is_better) and change != 0,
            )
        )
    return chart


@dataclass
class OutcomeOverview:
    due: list[outcomes.Due]
    history: dict[str, list[OutcomeResponse]]
    pain_chart: Chart
    odi_chart: Chart
    psfs_chart: Chart


def outcome_overview(*, user: User, patient_id: int) -> OutcomeOverview:
    patient = patient_get_for_user(user=user, patient_id=patient_id)
    history = outcome_history(patient=patient)
    return OutcomeOverview(
        due=outcomes_due_for(patient=patient),
        history=history,
        pain_chart=outcome_chart(measure="nrs", responses=history["nrs"]),
        odi_chart=outcome_chart(measure="odi", responses=history["odi"]),
        psfs_chart=outcome_chart(measure="psfs", responses=history["psfs"], lower_is_better=False),
    )


# --- progress notes --------------------------------------------------------------------
def _notes_visible_to(user: User) -> QuerySet[ProgressNote]:
    notes = scope_patient_records(ProgressNote.objects.all(), user=user)
    if user.is_patient:
        notes = notes.filter(status=ProgressNote.Status.SIGNED)
    return notes


def notes_for_patient(*, user: User, patient_id: int) -> list[ProgressNote]:
    """Original notes (addenda attached), newest first. Patients see signed notes only."""
    patient_get_for_user(user=user, patient_id=patient_id)
    addenda = ProgressNote.objects.filter(status=ProgressNote.Status.SIGNED).select_related(
        "author"
    )
    return list(
        _notes_visible_to(user)
        .filter(patient_id=patient_id, amends__isnull=True)
        .select_related("author", "signed_by")
        .prefetch_related(Prefetch("addenda", queryset=addenda.order_by("signed_at")))
        .order_by("-created_at")
    )


def note_get_for_user(*, user: User, note_id: int) -> ProgressNote:
    """One original note; 404 when the user may not see it (a patient and a draft included)."""
    notes = (
        _notes_visible_to(user)
        .filter(amends__isnull=True)
        .select_related("author", "signed_by", "patient", "patient__patient_profile")
        .prefetch_related(
            Prefetch(
                "addenda",
                queryset=ProgressNote.objects.select_related("author").order_by("signed_at"),
            )
        )
    )
    try:
        return notes.get(pk=note_id)
    except ProgressNote.DoesNotExist as exc:
        raise Http404("No such note.") from exc


def note_versions(*, note: ProgressNote) -> list[ProgressNoteVersion]:
    return list(note.versions.select_related("author").order_by("number"))
