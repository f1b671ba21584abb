"""The intake a new patient answers, the PT's clearance of its flags, and the intake gate.

Every flag opens an urgent alert with an owner (their PT, else the staff care-coordination
queue). No program starts until an intake exists and no flag is open, unless the PT recorded a
clearance with a reason: `intake_gate_check` is called by every plan-creating service, so the
page, the API, the admin and the management commands all obey it. See docs/pathway.md.
"""

from typing import TYPE_CHECKING

from django.db import transaction

from accounts.models import User
from accounts.services.audit import Action, audit_record
from programs.models import (
    DOCTOR_FLAGS,
    EMERGENCY_FLAGS,
    PT_REVIEW_FLAGS,
    RED_FLAG_FIELDS,
    Alert,
    Intake,
    IntakeClearance,
)
from programs.services.alerts import alert_close_red_flag, alert_raise_red_flag
from therapy.errors import ApplicationError, ConflictError
from therapy.permissions import get_patient_record_or_404

if TYPE_CHECKING:
    from django.http import HttpRequest
    from rest_framework.request import Request

CLEARANCE_REASON_MAX = 2000
WORDS_MAX = 2000


def intake_tier(flags: dict[str, bool]) -> str:
    """The most urgent tier among the ticked flags ("" when none)."""
    if any(flags.get(name) for name in EMERGENCY_FLAGS):
        return Intake.Tier.EMERGENCY
    if any(flags.get(name) for name in DOCTOR_FLAGS):
        return Intake.Tier.DOCTOR
    if any(flags.get(name) for name in PT_REVIEW_FLAGS):
        return Intake.Tier.PT_REVIEW
    return Intake.Tier.NONE


@transaction.atomic
def intake_submit(
    *,
    patient: User,
    pain_areas: list[str],
    pain_now: int,
    goals: str = "",
    hard_activities: list[str] | None = None,
    red_flags: dict[str, bool] | None = None,
    in_their_words: str = "",
) -> Intake:
    """Record a new patient's intake. Any flag opens an urgent alert with an owner."""
    if not patient.is_patient:
        raise ApplicationError("Only patients answer the intake.")
    errors: dict[str, list[str]] = {}
    valid_areas = set(Intake.Area.values)
    if not pain_areas or set(pain_areas) - valid_areas:
        errors["pain_areas"] = ["Choose where it hurts."]
    if not 0 <= pain_now <= 10:
        errors["pain_now"] = ["Pain is a number from 0 to 10."]
    flags = {name: bool((red_flags or {}).get(name, False)) for name in RED_FLAG_FIELDS}
    unknown = set(red_flags or {}) - set(RED_FLAG_FIELDS)
    if unknown:
        errors["red_flags"] = [f"Unknown questions: {', '.join(sorted(unknown))}."]
    words = (in_their_words or "").strip()
    if len(words) > WORDS_MAX:
        errors["in_their_words"] = [f"At most {WORDS_MAX} characters."]
    if errors:
        raise ApplicationError("Some answers are missing or not valid.", errors=errors)
    activities = [a.strip()[:200] for a in (hard_activities or []) if a.strip()]
    tier = intake_tier(flags)
    intake = Intake.objects.create(
        patient=patient,
        pain_areas=sorted(set(pain_areas)),
        pain_now=pain_now,
        goals=goals.strip(),
        hard_activities=activities,
        in_their_words=words,
        has_red_flags=any(flags.values()),
        red_flag_tier=tier,
        **flags,
    )
    if intake.has_red_flags:
        # An urgent alert for the owner (PT, else staff), in the same transaction; the emails
        # go after commit. The details hold the flag names and tier, never free text.
        alert_raise_red_flag(
            patient_id=patient.pk,
            source="intake",
            details={"tier": tier, "flags": intake.flags, "intake_id": intake.pk},
        )
    return intake


def intake_gate_check(*, patient: User) -> None:
    """Refuse (409) to start a program for a patient never screened, or with an open flag that
    no PT has cleared. Called by every plan-creating service."""
    latest = Intake.objects.filter(patient=patient).first()
    if latest is None:
        raise ConflictError(
            "This patient has not answered the intake and safety questions yet. A program can "
            "start once they have.",
            errors={"intake": ["No intake yet."]},
        )
    cleared = IntakeClearance.objects.filter(intake=latest).exists()
    if latest.has_red_flags and not cleared:
        raise ConflictError(
            "This patient's intake has a safety flag that is still open. Review their answers "
            "and record a clearance with a reason before starting a program.",
            errors={"intake": [f"Open flag: {', '.join(latest.flags)}."]},
        )
    if Alert.objects.filter(
        patient=patient, kind=Alert.Kind.RED_FLAG, acknowledged_at__isnull=True
    ).exists():
        raise ConflictError(
            "This patient has an open red-flag alert. Review it and record a clearance with a "
            "reason before starting a program.",
            errors={"intake": ["Open red-flag alert."]},
        )


@transaction.atomic
def intake_clear(
    *,
    therapist: User,
    patient_id: int,
    reason: str,
    audit_as: "HttpRequest | Request | User | None" = None,
) -> IntakeClearance:
    """The patient's PT decides a program may start despite the latest intake's flags, and says
    why. Acknowledges the open red-flag alert with the same reason. Audited."""
    if not therapist.is_therapist:
        raise ApplicationError("Only a physical therapist clears an intake.")
    patient = get_patient_record_or_404(
        User.objects.filter(role=User.Role.PATIENT), user=therapist, field="id", pk=patient_id
    )
    reason = (reason or "").strip()
    if not reason:
        raise ApplicationError(
            "Say why the program may start.", errors={"reason": ["Give a reason."]}
        )
    if len(reason) > CLEARANCE_REASON_MAX:
        raise ApplicationError(
            "The reason is too long.",
            errors={"reason": [f"At most {CLEARANCE_REASON_MAX} characters."]},
        )
    latest = Intake.objects.select_for_update().filter(patient=patient).first()
    if latest is None:
        raise ConflictError(
            "There is no intake to clear yet.", errors={"intake": ["No intake yet."]}
        )
    clearance = IntakeClearance.objects.create(
        intake=latest, patient=patient, therapist=therapist, reason=reason
    )
    # The red-flag alert is answered by the same decision.
    alert_close_red_flag(patient_id=patient.pk, by=therapist, note=reason[:500])
    audit_record(
        request_or_actor=audit_as or therapist,
        patient_id=patient.pk,
        action=Action.CREATE,
        obj=clearance,
    )
    return clearance
