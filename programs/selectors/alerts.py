"""Reads of clinical alerts."""

from django.db.models import (
    F,
)
from django.http import Http404

from accounts.models import User
from programs.models import Alert, Intake
from programs.models.intake import flag_question
from therapy.permissions import get_patient_record_or_404, scope_patient_records


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
    if alert.kind == Alert.Kind.RED_FLAG and d.get("flags"):
        return _red_flag_text(d)
    return "A red flag was reported. Contact the patient before the program continues."


def _red_flag_text(details: dict) -> str:
    """Which intake flags, in which tier, in words the PT reads (the intake's questions)."""
    tier = dict(Intake.Tier.choices).get(details.get("tier", ""), "Red flag")
    questions = [flag_question(str(name)) for name in details.get("flags", [])]
    return (
        f"Intake safety screen, {tier.lower()}: {'; '.join(questions)}. "
        "Contact the patient; see the intake section before any program starts."
    )
