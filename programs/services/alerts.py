"""Caseload summaries and alerts: computed in batches by Celery, and again when data arrives.

The rules (docs/outcomes.md repeats them for PTs, with their sources):
- pain_high (urgent): exercise pain of 7 or more at least twice in the last 7 local days, or a
  pain check-in (NRS) of 8 or more in the last 7 days. An absolute threshold: it fires whatever
  the baseline (a baseline of 9 leaves no room for a 2-point rise).
- pain_up: mean exercise pain over the last 7 local days is at least 2 points above the
  baseline: the intake's pain score, or (without an intake) the mean of the first 7 days of
  activity. No waiting period: it can fire from the first week.
- nrs_worse / odi_worse: the latest pain check-in (NRS) or ODI is worse than the baseline (NRS:
  the intake's pain score, else the first check-in; ODI: the first one) by at least the MCID
  (points or 30 % of the baseline, outcomes_scoring.MCIDS).
- inactive: an active plan and no completed exercise for 7 days or more (counting from the
  plan's start when there has never been any).
- too_hard: in the last 7 days, at least 4 completions and more than half marked "too hard".
- red_flag: raised by the intake's safety screen (alert_raise_red_flag), urgent.

Every alert has an owner: the patient's primary PT, else the staff care-coordination queue
(/triage/). An urgent alert emails its owner; one no PT has acknowledged after
ALERT_ESCALATION_HOURS is escalated to staff (alerts_escalate, a beat task). When a PT is
assigned later, the open alerts move to them and they are told (alerts_reassign_owner).


Every alert stores its rule, the inputs it read and the threshold (`details`), and the PT sees
them. One open alert per patient and kind (a database constraint). An open alert stays until a
PT acknowledges it with a note. After an acknowledgement, the same rule does not open a new alert
for that patient for REOPEN_AFTER, so that a PT who has acted is not asked again every sweep.
"""

from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import ROUND_HALF_UP, Decimal
from functools import partial

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import (
    Avg,
    Count,
    DateField,
    ExpressionWrapper,
    F,
    Max,
    Min,
    OuterRef,
    Q,
    Subquery,
    Sum,
)
from django.utils import timezone

from accounts.models import CareTeamLink, User
from programs import outcomes_scoring
from programs.models import (
    Alert,
    Completion,
    ExerciseSession,
    Intake,
    OutcomeResponse,
    PatientSummary,
    Plan,
)
from programs.selectors.progress import adherence_weeks
from programs.sessions_schedule import local_today
from therapy.celery import task_send
from therapy.errors import ApplicationError
from therapy.permissions import get_patient_record_or_404

WINDOW_DAYS = 7
PAIN_UP_POINTS = Decimal(2)
INACTIVE_DAYS = 7
TOO_HARD_MIN_COMPLETIONS = 4
HIGH_EXERCISE_PAIN = 7  # pain during an exercise, 0-10
HIGH_EXERCISE_PAIN_TIMES = 2  # ... at least this often in WINDOW_DAYS
HIGH_CHECK_IN_PAIN = 8  # a weekly pain check-in (NRS), 0-10
REOPEN_AFTER = timedelta(days=7)
ACK_NOTE_MAX = 500


def _one_decimal(value: float | Decimal | None) -> Decimal | None:
    if value is None:
        return None
    return Decimal(str(value)).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)


def _primary_therapist_id(patient_id: int) -> int | None:
    return (
        CareTeamLink.objects.filter(patient_id=patient_id, is_primary=True, ended_at__isnull=True)
        .values_list("therapist_id", flat=True)
        .first()
    )


def alert_raise(
    *, patient_id: int, kind: str, severity: str, details: dict[str, object]
) -> tuple[Alert, bool]:
    """Open an alert unless one of this kind is already open. Returns (alert, created)."""
    try:
        with transaction.atomic():
            alert = Alert.objects.create(
                patient_id=patient_id,
                therapist_id=_primary_therapist_id(patient_id),
                kind=kind,
                severity=severity,
                details=details,
            )
    except IntegrityError:
        existing = Alert.objects.get(patient_id=patient_id, kind=kind, acknowledged_at__isnull=True)
        return existing, False
    if severity == Alert.Severity.URGENT and alert.therapist_id:
        transaction.on_commit(
            lambda: task_send("programs.tasks.programs_send_alert_email_task", alert.pk)
        )
    elif severity == Alert.Severity.URGENT:
        # No PT owns this patient yet: the staff care-coordination queue is told.
        transaction.on_commit(
            lambda: task_send("programs.tasks.programs_send_alert_staff_email_task", alert.pk)
        )
    return alert, True


@transaction.atomic
def alert_raise_red_flag(
    *, patient_id: int, source: str, details: dict[str, object] | None = None
) -> Alert:
    """An urgent alert for a red flag (e.g. from the intake's safety screen); idempotent while
    open. Its owner (PT, else staff) is emailed that there is an urgent alert, with no health
    data in the email. A newer intake's flags update the open alert's details."""
    if not User.objects.filter(pk=patient_id, role=User.Role.PATIENT).exists():
        raise ApplicationError("No such patient.", errors={"patient_id": ["No such patient."]})
    facts: dict[str, object] = {"source": source[:40], **(details or {})}
    alert, created = alert_raise(
        patient_id=patient_id,
        kind=Alert.Kind.RED_FLAG,
        severity=Alert.Severity.URGENT,
        details=facts,
    )
    if not created and alert.details != facts:
        alert.details = facts
        alert.save(update_fields=["details"])
    return alert


@transaction.atomic
def alert_close_red_flag(*, patient_id: int, by: User, note: str) -> int:
    """Acknowledge the patient's open red-flag alert with the PT's clearance reason."""
    return Alert.objects.filter(
        patient_id=patient_id, kind=Alert.Kind.RED_FLAG, acknowledged_at__isnull=True
    ).update(acknowledged_at=timezone.now(), acknowledged_by=by, acknowledgement_note=note)


@transaction.atomic
def alerts_reassign_owner(*, patient_id: int, therapist_id: int) -> list[int]:
    """A PT was assigned: the patient's open alerts become theirs, and the urgent ones are
    emailed to them (again, if an earlier PT had been told). Returns the alert ids moved."""
    moved = list(
        Alert.objects.select_for_update()
        .filter(patient_id=patient_id, acknowledged_at__isnull=True)
        .exclude(therapist_id=therapist_id)
        .values_list("pk", "severity")
    )
    if not moved:
        return []
    Alert.objects.filter(pk__in=[pk for pk, _ in moved]).update(
        therapist_id=therapist_id, therapist_notified_at=None
    )
    for pk, severity in moved:
        if severity == Alert.Severity.URGENT:
            transaction.on_commit(
                partial(task_send, "programs.tasks.programs_send_alert_email_task", pk)
            )
    return [pk for pk, _ in moved]


def alerts_escalate(*, now: datetime | None = None) -> list[int]:
    """Urgent alerts a PT has not acknowledged within ALERT_ESCALATION_HOURS go to the staff
    queue, once: each is claimed with a conditional UPDATE, so running twice sends nothing
    more. Returns the ids escalated now."""
    now = now or timezone.now()
    cutoff = now - timedelta(hours=settings.ALERT_ESCALATION_HOURS)
    due = list(
        Alert.objects.filter(
            severity=Alert.Severity.URGENT,
            acknowledged_at__isnull=True,
            escalated_at__isnull=True,
            opened_at__lte=cutoff,
        ).values_list("pk", flat=True)[:500]
    )
    escalated = []
    for pk in due:
        with transaction.atomic():
            claimed = Alert.objects.filter(
                pk=pk, escalated_at__isnull=True, acknowledged_at__isnull=True
            ).update(escalated_at=now, staff_notified_at=None)
            if claimed:
                escalated.append(pk)
                transaction.on_commit(
                    partial(task_send, "programs.tasks.programs_send_alert_staff_email_task", pk)
                )
    return escalated


@transaction.atomic
def alert_acknowledge(*, user: User, alert_id: int, note: str) -> Alert:
    """A PT on the patient's care team acknowledges an open alert with a short note."""
    if not user.is_therapist:
        raise ApplicationError("Only a physical therapist acknowledges alerts.")
    alert = get_patient_record_or_404(Alert.objects.select_for_update(), user=user, pk=alert_id)
    note = (note or "").strip()
    if not note:
        raise ApplicationError(
            "Write a short note on what you did.", errors={"note": ["Write a short note."]}
        )
    if len(note) > ACK_NOTE_MAX:
        raise ApplicationError(
            "The note is too long.", errors={"note": [f"At most {ACK_NOTE_MAX} characters."]}
        )
    if alert.acknowledged_at is not None:
        raise ApplicationError(
            "This alert was already acknowledged.", errors={"alert": ["Already acknowledged."]}
        )
    alert.acknowledged_at = timezone.now()
    alert.acknowledged_by = user
    alert.acknowledgement_note = note
    alert.save(update_fields=["acknowledged_at", "acknowledged_by", "acknowledgement_note"])
    return alert


# --- summaries and rules ---------------------------------------------------------------
@dataclass
class _Window:
    count: int = 0
    pain_sum: int = 0
    too_hard: int = 0
    high_pain: int = 0

    def add(self, count: int, pain_sum: int, too_hard: int, high_pain: int = 0) -> None:
        self.count += count
        self.pain_sum += pain_sum
        self.too_hard += too_hard
        self.high_pain += high_pain

    @property
    def mean_pain(self) -> Decimal | None:
        return _one_decimal(self.pain_sum / self.count) if self.count else None


@dataclass(frozen=True)
class Score:
    """One outcome answer the rules read."""

    value: Decimal
    on: date | None  # None for the intake's pain score (it comes before any answer)


@dataclass
class RuleFacts:
    """A patient's fresh caseload row plus the few figures the rules need beyond it."""

    summary: PatientSummary
    recent_completions: int
    recent_too_hard: int
    plan_started_on: date | None
    recent_high_pain: int = 0
    baseline_source: str = "first week"  # of summary.baseline_pain: "intake" or "first week"
    intake_pain: int | None = None
    nrs_first: Score | None = None
    nrs_latest: Score | None = None
    odi_first: Score | None = None
    odi_latest: Score | None = None


def patient_summaries_refresh(
    *, patient_ids: list[int], now: datetime | None = None
) -> dict[int, "RuleFacts"]:
    """Recompute the caseload rows of these patients. A fixed number of queries per batch,
    plus the adherence selector per patient (it follows plan versions week by week)."""

    now = now or timezone.now()
    patients = {
        p.pk: p
        for p in User.objects.filter(pk__in=patient_ids, role=User.Role.PATIENT).select_related(
            "patient_profile"
        )
    }
    if not patients:
        return {}
    todays = {pk: local_today(p.patient_profile.time_zone, now) for pk, p in patients.items()}
    earliest = min(todays.values()) - timedelta(days=2 * WINDOW_DAYS)

    bounds = {
        r["patient_id"]: r
        for r in ExerciseSession.objects.filter(patient_id__in=patients, completions__isnull=False)
        .values("patient_id")
        .annotate(first=Min("local_date"), last=Max("local_date"))
    }
    daily = (
        Completion.objects.filter(
            session__patient_id__in=patients, session__local_date__gte=earliest
        )
        .values("session__patient_id", "session__local_date")
        .annotate(
            n=Count("id"),
            pain_sum=Sum("pain"),
            too_hard=Count("id", filter=Q(difficulty=Completion.Feel.TOO_HARD)),
            high_pain=Count("id", filter=Q(pain__gte=HIGH_EXERCISE_PAIN)),
        )
    )
    recent: dict[int, _Window] = defaultdict(_Window)
    previous: dict[int, _Window] = defaultdict(_Window)
    latest_day: dict[int, tuple[date, int, int]] = {}
    for r in daily:
        pid, day = r["session__patient_id"], r["session__local_date"]
        age = (todays[pid] - day).days
        if 0 <= age < WINDOW_DAYS:
            recent[pid].add(r["n"], r["pain_sum"], r["too_hard"], r["high_pain"])
        elif WINDOW_DAYS <= age < 2 * WINDOW_DAYS:
            previous[pid].add(r["n"], r["pain_sum"], r["too_hard"])
        if pid not in latest_day or day > latest_day[pid][0]:
            latest_day[pid] = (day, r["n"], r["pain_sum"])

    first_day = Subquery(
        ExerciseSession.objects.filter(
            patient_id=OuterRef("session__patient_id"), completions__isnull=False
        )
        .order_by("local_date")
        .values("local_date")[:1]
    )
    baselines = {
        r["session__patient_id"]: r["avg"]
        for r in Completion.objects.filter(session__patient_id__in=patients)
        .alias(first_day=first_day)
        .filter(
            session__local_date__lt=ExpressionWrapper(
                F("first_day") + timedelta(days=WINDOW_DAYS), output_field=DateField()
            )
        )
        .values("session__patient_id")
        .annotate(avg=Avg("pain"))
    }
    plans = {
        p.patient_id: p
        for p in Plan.objects.filter(patient_id__in=patients, status=Plan.Status.ACTIVE)
    }
    # The intake's pain score is the baseline when there is one (the first intake).
    intake_pain = dict(
        Intake.objects.filter(patient_id__in=patients)
        .order_by("patient_id", "submitted_at", "pk")
        .distinct("patient_id")
        .values_list("patient_id", "pain_now")
    )
    firsts, latests = _outcome_ends(list(patients))

    rows = []
    for pid, patient in patients.items():
        today = todays[pid]
        week = adherence_weeks(patient=patient, today=today, weeks=1, plan=plans.get(pid))[0]
        b = bounds.get(pid)
        latest = latest_day.get(pid)
        rows.append(
            PatientSummary(
                patient_id=pid,
                computed_at=now,
                local_date=today,
                first_activity_on=b["first"] if b else None,
                last_activity_on=b["last"] if b else None,
                week_completed=week.completed,
                week_prescribed=week.prescribed,
                adherence_week_percent=week.percent,
                baseline_pain=(
                    Decimal(intake_pain[pid])
                    if pid in intake_pain
                    else _one_decimal(baselines.get(pid))
                ),
                recent_pain=recent[pid].mean_pain,
                previous_pain=previous[pid].mean_pain,
                latest_pain=round(latest[2] / latest[1]) if latest else None,
            )
        )
    PatientSummary.objects.bulk_create(
        rows,
        update_conflicts=True,
        unique_fields=["patient"],
        update_fields=[f.name for f in PatientSummary._meta.concrete_fields if f.name != "patient"],
    )
    return {
        row.patient_id: RuleFacts(
            summary=row,
            recent_completions=recent[row.patient_id].count,
            recent_too_hard=recent[row.patient_id].too_hard,
            plan_started_on=(
                local_today(patients[row.patient_id].patient_profile.time_zone, plan.created_at)
                if (plan := plans.get(row.patient_id))
                else None
            ),
            recent_high_pain=recent[row.patient_id].high_pain,
            baseline_source="intake" if row.patient_id in intake_pain else "first week",
            intake_pain=intake_pain.get(row.patient_id),
            nrs_first=firsts.get((row.patient_id, OutcomeResponse.Measure.NRS)),
            nrs_latest=latests.get((row.patient_id, OutcomeResponse.Measure.NRS)),
            odi_first=firsts.get((row.patient_id, OutcomeResponse.Measure.ODI)),
            odi_latest=latests.get((row.patient_id, OutcomeResponse.Measure.ODI)),
        )
        for row in rows
    }


def _outcome_ends(
    patient_ids: list[int],
) -> tuple[dict[tuple[int, str], Score], dict[tuple[int, str], Score]]:
    """The first and the latest pain check-in and ODI of each patient: two queries."""
    measures = [OutcomeResponse.Measure.NRS, OutcomeResponse.Measure.ODI]
    rows = OutcomeResponse.objects.filter(patient_id__in=patient_ids, measure__in=measures)
    out: list[dict[tuple[int, str], Score]] = []
    for order in ("answered_at", "-answered_at"):
        out.append(
            {
                (pid, measure): Score(score, day)
                for pid, measure, score, day in rows.order_by("patient_id", "measure", order)
                .distinct("patient_id", "measure")
                .values_list("patient_id", "measure", "score", "local_date")
            }
        )
    return out[0], out[1]


def _explained(rule: str, threshold: str, inputs: dict[str, object]) -> dict[str, object]:
    """What every alert stores for the PT: the rule, the threshold and the inputs it read
    (numbers and dates only, never the patient's own words). The inputs are repeated at the
    top level for older readers of `details`."""
    return {"rule": rule, "threshold": threshold, "inputs": inputs, **inputs}


def _rule_pain_high(facts: RuleFacts) -> dict[str, object] | None:
    today = facts.summary.local_date
    latest = facts.nrs_latest
    # the weekly check-in, when it was answered in the last 7 days
    recent = latest if latest and latest.on and (today - latest.on).days < WINDOW_DAYS else None
    high_check_in = recent is not None and recent.value >= HIGH_CHECK_IN_PAIN
    if facts.recent_high_pain < HIGH_EXERCISE_PAIN_TIMES and not high_check_in:
        return None
    return _explained(
        "High pain: exercise pain of 7 or more at least twice in 7 days, "
        "or a weekly pain check-in of 8 or more.",
        f"exercise pain >= {HIGH_EXERCISE_PAIN}/10 at least {HIGH_EXERCISE_PAIN_TIMES} times "
        f"in {WINDOW_DAYS} days; check-in >= {HIGH_CHECK_IN_PAIN}/10",
        {
            "high_pain_exercises": facts.recent_high_pain,
            "check_in_pain": f"{recent.value:.0f}" if recent else None,
            "check_in_on": recent.on.isoformat() if recent and recent.on else None,
            "window_days": WINDOW_DAYS,
        },
    )


def _rule_pain_up(facts: RuleFacts) -> dict[str, object] | None:
    summary = facts.summary
    if summary.baseline_pain is None or summary.recent_pain is None:
        return None
    change = summary.recent_pain - summary.baseline_pain
    if change < PAIN_UP_POINTS:
        return None
    source = (
        "the intake's pain score"
        if facts.baseline_source == "intake"
        else "the mean of the first 7 days of exercise"
    )
    return _explained(
        f"Exercise pain up: the mean over the last {WINDOW_DAYS} days is at least "
        f"{PAIN_UP_POINTS} points above the baseline ({source}).",
        f"+{PAIN_UP_POINTS} points",
        {
            "baseline_pain": str(summary.baseline_pain),
            "baseline_source": facts.baseline_source,
            "recent_pain": str(summary.recent_pain),
            "change": str(change),
            "window_days": WINDOW_DAYS,
        },
    )


def _rule_worse(
    *, measure: str, label: str, baseline: Score | None, latest: Score | None, source: str
) -> dict[str, object] | None:
    if baseline is None or latest is None:
        return None
    change = latest.value - baseline.value
    mcid = outcomes_scoring.MCIDS[measure]
    if change == 0 or outcomes_scoring.is_better(measure, change):
        return None
    if not mcid.is_met(baseline=baseline.value, change=change):
        return None
    shown = (lambda v: f"{v:.0f}") if measure == "nrs" else str  # the NRS is whole points
    return _explained(
        f"{label} worse: the latest answer is worse than the baseline ({source}) by at least "
        f"the minimal clinically important difference.",
        f"{mcid} of the baseline ({mcid.threshold(baseline.value)} points here)",
        {
            "baseline": shown(baseline.value),
            "baseline_on": baseline.on.isoformat() if baseline.on else None,
            "latest": shown(latest.value),
            "latest_on": latest.on.isoformat() if latest.on else None,
            "change": shown(change),
        },
    )


def _rules(facts: RuleFacts) -> list[tuple[str, str, dict[str, object]]]:
    """Which alerts this patient's figures call for: (kind, severity, details)."""
    summary = facts.summary
    today = summary.local_date
    found: list[tuple[str, str, dict[str, object]]] = []
    if details := _rule_pain_high(facts):
        found.append((Alert.Kind.PAIN_HIGH, Alert.Severity.URGENT, details))
    if details := _rule_pain_up(facts):
        found.append((Alert.Kind.PAIN_UP, Alert.Severity.ROUTINE, details))
    nrs_baseline: Score | None
    if facts.intake_pain is not None:
        nrs_baseline, nrs_source = Score(Decimal(facts.intake_pain), None), "the intake's pain"
    else:
        nrs_baseline, nrs_source = facts.nrs_first, "the first check-in"
    if details := _rule_worse(
        measure="nrs",
        label="Pain check-in",
        baseline=nrs_baseline,
        latest=facts.nrs_latest,
        source=nrs_source,
    ):
        found.append((Alert.Kind.NRS_WORSE, Alert.Severity.ROUTINE, details))
    if details := _rule_worse(
        measure="odi",
        label="Oswestry Disability Index",
        baseline=facts.odi_first,
        latest=facts.odi_latest,
        source="the first ODI",
    ):
        found.append((Alert.Kind.ODI_WORSE, Alert.Severity.ROUTINE, details))
    started = facts.plan_started_on
    if started is not None:
        since = summary.last_activity_on or started
        idle = (today - since).days
        if idle >= INACTIVE_DAYS:
            found.append(
                (
                    Alert.Kind.INACTIVE,
                    Alert.Severity.ROUTINE,
                    _explained(
                        f"No activity: an active plan and no exercise recorded for "
                        f"{INACTIVE_DAYS} days or more.",
                        f"{INACTIVE_DAYS} days",
                        {
                            "days_without_activity": idle,
                            "last_activity_on": (
                                summary.last_activity_on.isoformat()
                                if summary.last_activity_on
                                else None
                            ),
                        },
                    ),
                )
            )
    n, hard = facts.recent_completions, facts.recent_too_hard
    if n >= TOO_HARD_MIN_COMPLETIONS and 2 * hard > n:
        found.append(
            (
                Alert.Kind.TOO_HARD,
                Alert.Severity.ROUTINE,
                _explained(
                    f"Exercises too hard: at least {TOO_HARD_MIN_COMPLETIONS} exercises in "
                    f"{WINDOW_DAYS} days and more than half marked too hard.",
                    f"more than half of at least {TOO_HARD_MIN_COMPLETIONS}",
                    {"too_hard": hard, "completions": n, "window_days": WINDOW_DAYS},
                ),
            )
        )
    return found


def alerts_evaluate(*, patient_ids: list[int], now: datetime | None = None) -> list[Alert]:
    """Refresh the summaries of these patients and open the alerts their figures call for.
    Safe to run twice: an open alert of a kind is never duplicated. Returns the new alerts."""
    now = now or timezone.now()
    summaries = patient_summaries_refresh(patient_ids=patient_ids, now=now)
    recently_acknowledged = set(
        Alert.objects.filter(patient_id__in=summaries, acknowledged_at__gte=now - REOPEN_AFTER)
        .values_list("patient_id", "kind")
        .distinct()
    )
    already_open = set(
        Alert.objects.filter(patient_id__in=summaries, acknowledged_at__isnull=True).values_list(
            "patient_id", "kind"
        )
    )
    opened = []
    for pid, facts in summaries.items():
        for kind, severity, details in _rules(facts):
            if (pid, kind) in already_open or (pid, kind) in recently_acknowledged:
                continue
            alert, created = alert_raise(
                patient_id=pid, kind=kind, severity=severity, details=details
            )
            if created:
                opened.append(alert)
    return opened


def patients_on_caseloads() -> list[int]:
    """Every patient with an active care-team link: the sweep's population."""
    return list(
        CareTeamLink.objects.filter(ended_at__isnull=True)
        .values_list("patient_id", flat=True)
        .distinct()
        .order_by("patient_id")
    )
