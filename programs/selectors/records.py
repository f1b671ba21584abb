"""Reads of a patient's whole record: the export's clinical sections, the FHIR Bundle, and the
last activity that starts the clinical retention clock. The map of what is held where is
programs/records_map.py; the FHIR shapes are programs/records_fhir.py."""

import json
from collections.abc import Iterator
from datetime import datetime
from typing import Any
from urllib.parse import urlsplit

from django.db.models import Max, Prefetch
from django.utils import timezone

from accounts.models import CareTeamLink, User
from accounts.selectors.privacy import json_stream_array, register_export_section
from programs import records_fhir
from programs.models import (
    Alert,
    Completion,
    ExerciseSession,
    Intake,
    Message,
    OutcomeResponse,
    Plan,
    PlanItem,
    PlanVersion,
    ProgressionSettings,
    ProgressionSuggestion,
    ProgressNote,
    PushSubscription,
    ReminderDelivery,
    ReminderSchedule,
    ReminderSettings,
    ThreadReadState,
    Visit,
    VisitReminder,
)


def _iso(value: Any) -> Any:
    return value.isoformat() if value is not None else None


# --- the JSON export's sections (registered with accounts' export) ------------------------
def _plans(patient: User) -> list[dict[str, Any]]:
    plans = Plan.objects.filter(patient=patient).select_related("template").order_by("created_at")
    items = PlanItem.objects.select_related("exercise").order_by("order")
    versions = (
        PlanVersion.objects.filter(plan__patient=patient)
        .select_related("created_by")
        .prefetch_related(Prefetch("items", queryset=items))
        .order_by("plan_id", "number")
    )
    by_plan: dict[int, list[PlanVersion]] = {}
    for version in versions:
        by_plan.setdefault(version.plan_id, []).append(version)
    return [
        {
            "id": plan.pk,
            "program": plan.template.name if plan.template else None,
            "status": plan.status,
            "started_at": _iso(plan.created_at),
            "ended_at": _iso(plan.ended_at),
            "current_version": plan.current_version_id
            and next(
                (v.number for v in by_plan.get(plan.pk, []) if v.pk == plan.current_version_id),
                None,
            ),
            "versions": [
                {
                    "number": version.number,
                    "changed_by": version.created_by.get_full_name(),
                    "changed_at": _iso(version.created_at),
                    "what_changed": version.change_lines(),
                    "seen_at": _iso(version.seen_by_patient_at),
                    "exercises": [
                        {
                            "exercise": item.exercise.name,
                            "code": records_fhir.exercise_code(item.exercise.slug),
                            "sets": item.sets,
                            "reps": item.reps,
                            "hold_seconds": item.hold_seconds,
                            "each_side": item.per_side,
                            "sessions_per_week": item.sessions_per_week,
                            "note": item.note,
                        }
                        for item in version.items.all()
                    ],
                }
                for version in by_plan.get(plan.pk, [])
            ],
        }
        for plan in plans
    ]


def _sessions(patient: User) -> Iterator[dict[str, Any]]:
    sessions = (
        ExerciseSession.objects.filter(patient=patient)
        .prefetch_related(
            Prefetch(
                "completions",
                queryset=Completion.objects.select_related("exercise").order_by("completed_at"),
            )
        )
        .order_by("local_date")
    )
    for session in sessions.iterator(chunk_size=200):
        yield {
            "day": session.local_date.isoformat(),
            "started_at": _iso(session.started_at),
            "finished_at": _iso(session.finished_at),
            "completions": [
                {
                    "exercise": completion.exercise.name,
                    "pain": completion.pain,
                    "difficulty": completion.difficulty,
                    "completed_at": _iso(completion.completed_at),
                    "client_id": str(completion.client_id) if completion.client_id else None,
                }
                for completion in session.completions.all()
            ],
        }


def _outcomes(patient: User) -> Iterator[dict[str, Any]]:
    for response in OutcomeResponse.objects.filter(patient=patient).order_by("answered_at"):
        yield {
            "measure": response.measure,
            "answered_at": _iso(response.answered_at),
            "day": response.local_date.isoformat(),
            "score": str(response.score),
            "answers": response.answers,
        }


def _intake(patient: User) -> list[dict[str, Any]]:
    return [
        {
            "submitted_at": _iso(intake.submitted_at),
            "pain_areas": intake.pain_areas,
            "pain_now": intake.pain_now,
            "goals": intake.goals,
            "hard_activities": intake.hard_activities,
            "red_flags": {name: getattr(intake, name) for name in records_fhir.RED_FLAGS},
            "clearances": [
                {
                    "cleared_at": _iso(clearance.cleared_at),
                    "by": clearance.therapist.get_full_name(),
                    "reason": clearance.reason,
                }
                for clearance in intake.clearances.all()
            ],
        }
        for intake in Intake.objects.filter(patient=patient)
        .prefetch_related("clearances__therapist")
        .order_by("submitted_at")
    ]


def _alerts(patient: User) -> list[dict[str, Any]]:
    return [
        {
            "kind": alert.kind,
            "severity": alert.severity,
            "opened_at": _iso(alert.opened_at),
            "details": alert.details,
            "acknowledged_at": _iso(alert.acknowledged_at),
            "acknowledgement_note": alert.acknowledgement_note,
        }
        for alert in Alert.objects.filter(patient=patient).order_by("opened_at")
    ]


def signed_notes(*, patient: User) -> list[ProgressNote]:
    """The notes in the clinical record: signed ones and their addenda. Drafts are not."""
    return list(
        ProgressNote.objects.filter(patient=patient, status=ProgressNote.Status.SIGNED)
        .select_related("author", "signed_by")
        .order_by("signed_at", "id")
    )


def _notes(patient: User) -> list[dict[str, Any]]:
    return [
        {
            "id": note.pk,
            "author": note.author.get_full_name(),
            "period": [note.period_start.isoformat(), note.period_end.isoformat()],
            "subjective": note.subjective,
            "objective": note.objective,
            "assessment": note.assessment,
            "plan": note.plan,
            "addendum_to": note.amends_id,
            "body": note.body,
            "signed_at": _iso(note.signed_at),
            "signed_by": note.signed_by.get_full_name() if note.signed_by else "",
        }
        for note in signed_notes(patient=patient)
    ]


def _messages(patient: User) -> dict[str, Any]:
    messages = Message.objects.filter(patient=patient).select_related("sender").order_by("id")
    return {
        "thread": (
            {
                "from": message.sender.get_full_name(),
                "sent_at": _iso(message.created_at),
                "body": message.body,
            }
            for message in messages.iterator(chunk_size=500)
        ),
        "read_up_to": [
            {
                "reader": state.user.get_full_name(),
                "last_read_message_id": state.last_read_message_id,
            }
            for state in ThreadReadState.objects.filter(patient=patient).select_related("user")
        ],
    }


def _visits(patient: User) -> list[dict[str, Any]]:
    reminders: dict[int, list[dict[str, Any]]] = {}
    for reminder in VisitReminder.objects.filter(visit__patient=patient, recipient=patient):
        reminders.setdefault(reminder.visit_id, []).append(
            {
                "lead": reminder.lead,
                "due_at": _iso(reminder.due_at),
                "sent_at": _iso(reminder.sent_at),
            }
        )
    return [
        {
            "therapist": visit.therapist.get_full_name(),
            "starts_at": _iso(visit.starts_at),
            "ends_at": _iso(visit.ends_at),
            "status": visit.status,
            "cancelled_at": _iso(visit.cancelled_at),
            "completed_at": _iso(visit.completed_at),
            "reminders": reminders.get(visit.pk, []),
        }
        for visit in Visit.objects.filter(patient=patient).select_related("therapist")
    ]


def _reminders(patient: User) -> dict[str, Any]:
    prefs = ReminderSettings.objects.filter(patient=patient).first()
    return {
        "settings": prefs
        and {
            "enabled": prefs.enabled,
            "weekdays": prefs.weekdays,
            "time_zone": prefs.time_zone,
            "channel": prefs.channel,
            "quiet_hours": [_iso(prefs.quiet_start), _iso(prefs.quiet_end)],
            "paused_until": _iso(prefs.paused_until),
            "unsubscribed_at": _iso(prefs.unsubscribed_at),
        },
        "times": [
            {"local_time": _iso(s.local_time), "time_zone": s.time_zone, "weekdays": s.weekdays}
            for s in ReminderSchedule.objects.filter(patient=patient).order_by("local_time")
        ],
        "deliveries": (
            {
                "slot_at": _iso(d.slot_at),
                "status": d.status,
                "reason": d.reason,
                "channel": d.channel,
                "finished_at": _iso(d.finished_at),
            }
            for d in ReminderDelivery.objects.filter(patient=patient)
            .order_by("slot_at")
            .iterator(chunk_size=500)
        ),
        # The devices that get push reminders; the endpoint and keys are the push service's
        # and the browser's secrets, of no use to the person, so only the service's host.
        "push_devices": [
            {
                "label": s.device_label,
                "push_service": urlsplit(s.endpoint).hostname,
                "created_at": _iso(s.created_at),
                "last_success_at": _iso(s.last_success_at),
            }
            for s in PushSubscription.objects.filter(patient=patient)
        ],
    }


def _progression(patient: User) -> dict[str, Any]:
    """The progression rules' suggestions about the plan, what the PT did with them, and the
    automatic-advances switch (docs/progression.md)."""
    settings = ProgressionSettings.objects.filter(patient=patient).first()
    return {
        "auto_apply_advances": bool(settings and settings.auto_apply_advances),
        "suggestions": [
            {
                "created_at": _iso(s.created_at),
                "exercise": s.exercise.name,
                "direction": s.direction,
                "from": {
                    "sets": s.from_sets,
                    "reps": s.from_reps,
                    "hold_seconds": s.from_hold_seconds,
                },
                "to_exercise": s.to_exercise.name,
                "to": {"sets": s.to_sets, "reps": s.to_reps, "hold_seconds": s.to_hold_seconds},
                "reason": s.reason,
                "why": s.patient_reason,
                "inputs": s.inputs,
                "status": s.status,
                "decided_at": _iso(s.decided_at),
                "plan_version_made": s.applied_version.number if s.applied_version else None,
            }
            for s in ProgressionSuggestion.objects.filter(patient=patient)
            .select_related("exercise", "to_exercise", "applied_version")
            .order_by("created_at", "id")
        ],
    }


EXPORT_SECTIONS = {
    "plans": _plans,
    "progression": _progression,
    "sessions": _sessions,
    "outcomes": _outcomes,
    "intake": _intake,
    "alerts": _alerts,
    "notes": _notes,
    "messages": _messages,
    "visits": _visits,
    "reminders": _reminders,
}


def records_export_sections_register() -> None:
    """Called once from ProgramsConfig.ready(): the clinical sections join the export."""
    for name, builder in EXPORT_SECTIONS.items():
        register_export_section(name, builder)


# --- the FHIR Bundle ------------------------------------------------------------------------
def records_fhir_resources(*, patient: User) -> Iterator[dict[str, Any]]:
    """Every resource of the patient's FHIR export, one at a time."""
    profile = getattr(patient, "patient_profile", None)
    yield records_fhir.patient_resource(patient, profile)
    people: set[int] = set()
    for ids in (
        CareTeamLink.objects.filter(patient=patient).values_list("therapist_id", flat=True),
        Visit.objects.filter(patient=patient).values_list("therapist_id", flat=True),
        Message.objects.filter(patient=patient).values_list("sender_id", flat=True),
        PlanVersion.objects.filter(plan__patient=patient).values_list("created_by_id", flat=True),
        ProgressNote.objects.filter(patient=patient).values_list("author_id", flat=True),
        ProgressNote.objects.filter(patient=patient).values_list("signed_by_id", flat=True),
    ):
        people.update(i for i in ids if i is not None)
    people.discard(patient.pk)
    for person in User.objects.filter(pk__in=people).order_by("pk"):
        yield records_fhir.practitioner_resource(person)
    plans = Plan.objects.filter(patient=patient).select_related("template").order_by("created_at")
    for plan in plans:
        versions = list(
            plan.versions.select_related("created_by")
            .prefetch_related(
                Prefetch(
                    "items", queryset=PlanItem.objects.select_related("exercise").order_by("order")
                )
            )
            .order_by("number")
        )
        for version in versions:
            yield records_fhir.careplan_resource(
                plan, version, list(version.items.all()), versions=len(versions)
            )
            yield records_fhir.plan_provenance(plan, version)
    completions = (
        Completion.objects.filter(session__patient=patient)
        .select_related("exercise", "session")
        .order_by("completed_at")
    )
    for completion in completions.iterator(chunk_size=500):
        yield records_fhir.completion_observation(patient, completion)
    for response in OutcomeResponse.objects.filter(patient=patient).order_by("answered_at"):
        yield records_fhir.outcome_questionnaire_response(patient, response)
    for intake in Intake.objects.filter(patient=patient).order_by("submitted_at"):
        yield records_fhir.intake_questionnaire_response(patient, intake)
    for message in Message.objects.filter(patient=patient).order_by("id").iterator(chunk_size=500):
        yield records_fhir.message_communication(patient, message)
    for visit in Visit.objects.filter(patient=patient).order_by("starts_at"):
        yield records_fhir.visit_appointment(patient, visit)
    for note in signed_notes(patient=patient):
        yield records_fhir.note_document_reference(patient, note)


def records_fhir_bundle_stream(*, patient: User) -> Iterator[str]:
    """The FHIR export as a Bundle of type collection, written resource by resource."""
    head = json.dumps(
        {"resourceType": "Bundle", "type": "collection", "timestamp": _iso(timezone.now())}
    )
    yield head[:-1] + ',"entry":'
    yield from json_stream_array(
        {"resource": resource} for resource in records_fhir_resources(patient=patient)
    )
    yield "}"


def plan_careplan(*, plan: Plan) -> dict[str, Any]:
    """The plan's current version as a FHIR CarePlan (the PT's export of a prescription)."""
    version = (
        PlanVersion.objects.select_related("created_by", "plan__template")
        .prefetch_related(
            Prefetch(
                "items", queryset=PlanItem.objects.select_related("exercise").order_by("order")
            )
        )
        .get(plan=plan, pk=plan.current_version_id or 0)
    )
    return records_fhir.careplan_resource(
        version.plan, version, list(version.items.all()), versions=version.number
    )


# --- retention --------------------------------------------------------------------------------
def records_last_activity(*, patient: User) -> datetime | None:
    """The latest moment anything happened in the patient's clinical record, or their account
    (signing in, closing it). The clinical retention period runs from here."""
    moments: list[datetime | None] = [
        patient.closed_at,
        patient.last_login,
        patient.date_joined,
        Plan.objects.filter(patient=patient).aggregate(at=Max("ended_at"))["at"],
        Plan.objects.filter(patient=patient).aggregate(at=Max("created_at"))["at"],
        PlanVersion.objects.filter(plan__patient=patient).aggregate(at=Max("created_at"))["at"],
        ExerciseSession.objects.filter(patient=patient).aggregate(at=Max("started_at"))["at"],
        Completion.objects.filter(session__patient=patient).aggregate(at=Max("completed_at"))["at"],
        OutcomeResponse.objects.filter(patient=patient).aggregate(at=Max("answered_at"))["at"],
        Intake.objects.filter(patient=patient).aggregate(at=Max("submitted_at"))["at"],
        Alert.objects.filter(patient=patient).aggregate(at=Max("opened_at"))["at"],
        Alert.objects.filter(patient=patient).aggregate(at=Max("acknowledged_at"))["at"],
        ProgressNote.objects.filter(patient=patient).aggregate(at=Max("updated_at"))["at"],
        ProgressNote.objects.filter(patient=patient).aggregate(at=Max("signed_at"))["at"],
        Message.objects.filter(patient=patient).aggregate(at=Max("created_at"))["at"],
        Visit.objects.filter(patient=patient).aggregate(at=Max("ends_at"))["at"],
        CareTeamLink.objects.filter(patient=patient).aggregate(at=Max("ended_at"))["at"],
    ]
    present = [moment for moment in moments if moment is not None]
    return max(present) if present else None


def closed_patients_due(*, closed_before: datetime, account_data_kept: bool) -> list[int]:
    """Closed patients closed before `closed_before`; with `account_data_kept`, only those
    whose account data is not erased yet."""
    patients = User.objects.filter(
        role=User.Role.PATIENT, is_active=False, closed_at__lt=closed_before
    )
    if account_data_kept:
        patients = patients.filter(account_data_erased_at__isnull=True)
    return list(patients.order_by("closed_at", "pk").values_list("pk", flat=True))
