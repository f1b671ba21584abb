"""Reads of clinical alerts."""

from django.db.models import Case, F, IntegerField, Value, When
from django.http import Http404

from accounts.models import User
from programs.models import Alert, Intake
from programs.models.intake import flag_question
from therapy.permissions import get_patient_record_or_404, scope_patient_records


def alert_severity_rank() -> Case:
    """Urgent before routine wherever alerts are listed (alphabetical order would put
    "routine" first)."""
    return Case(
        When(severity=Alert.Severity.URGENT, then=Value(0)),
        default=Value(1),
        output_field=IntegerField(),
    )


def alerts_for_patient(*, user: User, patient: User) -> list[Alert]:
    """Open alerts first (urgent ones first), then acknowledged ones, newest first."""
    alerts = scope_patient_records(Alert.objects.filter(patient=patient), user=user)
    return list(
        alerts.select_related("acknowledged_by").order_by(
            F("acknowledged_at").desc(nulls_first=True), alert_severity_rank(), "-opened_at"
        )
    )


def alert_get_for_user(*, user: User, alert_id: int) -> Alert:
    if user.is_patient:
        raise Http404("No such alert.")
    return get_patient_record_or_404(
        Alert.objects.select_related("patient", "acknowledged_by"), user=user, pk=alert_id
    )


def alert_describe(alert: Alert) -> str:
    """The alert in one sentence for the PT: what was seen, then the rule and its threshold."""
    d = alert.details or {}
    if alert.kind == Alert.Kind.PAIN_UP:
        text = (
            f"Mean exercise pain in the last {d.get('window_days')} days is "
            f"{d.get('recent_pain')}/10, up {d.get('change')} from the baseline "
            f"{d.get('baseline_pain')}/10."
        )
    elif alert.kind == Alert.Kind.INACTIVE:
        text = f"No exercise recorded for {d.get('days_without_activity')} days."
    elif alert.kind == Alert.Kind.TOO_HARD:
        text = (
            f"{d.get('too_hard')} of {d.get('completions')} exercises in the last "
            f"{d.get('window_days')} days were marked too hard."
        )
    elif alert.kind == Alert.Kind.PAIN_HIGH:
        parts = [f"{d.get('high_pain_exercises')} exercises with pain of 7 or more"]
        if d.get("check_in_pain") is not None:
            parts.append(
                f"a pain check-in of {d.get('check_in_pain')}/10 on {d.get('check_in_on')}"
            )
        text = f"In the last {d.get('window_days')} days: {'; '.join(parts)}."
    elif alert.kind in (Alert.Kind.NRS_WORSE, Alert.Kind.ODI_WORSE):
        unit = "/10" if alert.kind == Alert.Kind.NRS_WORSE else "%"
        text = (
            f"Latest {d.get('latest')}{unit} ({d.get('latest_on')}) against a baseline of "
            f"{d.get('baseline')}{unit}: {d.get('change')} points."
        )
    elif alert.kind == Alert.Kind.RED_FLAG and d.get("flags"):
        return _red_flag_text(d)
    else:
        return "A red flag was reported. Contact the patient before the program continues."
    if d.get("rule"):
        text += f" Rule: {d['rule']} Threshold: {d.get('threshold')}."
    return text


def _red_flag_text(details: dict) -> str:
    """Which intake flags, in which tier, in words the PT reads (the intake's questions)."""
    tier = dict(Intake.Tier.choices).get(details.get("tier", ""), "Red flag")
    questions = [flag_question(str(name)) for name in details.get("flags", [])]
    return (
        f"Intake safety screen, {tier.lower()}: {'; '.join(questions)}. "
        "Contact the patient; see the intake section before any program starts."
    )
