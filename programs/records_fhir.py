"""The patient's record as FHIR R4 resources (plain dicts), and a CarePlan read back into a
prescription.

No FHIR library at run time: the shapes are built here and the tests parse every resource
with the `fhir.resources` R4B models and check the required value sets (status, intent, units)
themselves (tests/programs/records/). Exercises carry a stable code: EXERCISE_SYSTEM plus the
library slug, so other systems can map them. Sets, repetitions, hold and sides have no FHIR
element of their own: they travel as extensions of CarePlan.activity.detail, the frequency as
a Timing (n times per week).
"""

import base64
import math
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from typing import Any

from programs.models import (
    RED_FLAG_FIELDS,
    Completion,
    Intake,
    Message,
    OutcomeResponse,
    Plan,
    PlanItem,
    PlanVersion,
    ProgressNote,
    Visit,
)

FHIR_BASE = "https://psoas.care/fhir"
EXERCISE_SYSTEM = f"{FHIR_BASE}/CodeSystem/exercise"
DIFFICULTY_SYSTEM = f"{FHIR_BASE}/CodeSystem/exercise-difficulty"
OBSERVATION_SYSTEM = f"{FHIR_BASE}/CodeSystem/observation"
EXT_SETS = f"{FHIR_BASE}/StructureDefinition/exercise-sets"
EXT_REPS = f"{FHIR_BASE}/StructureDefinition/exercise-repetitions"
EXT_HOLD = f"{FHIR_BASE}/StructureDefinition/exercise-hold"
EXT_EACH_SIDE = f"{FHIR_BASE}/StructureDefinition/exercise-each-side"
EXT_NOTE = f"{FHIR_BASE}/StructureDefinition/exercise-note"
UCUM = "http://unitsofmeasure.org"
LOINC = "http://loinc.org"
RED_FLAGS = RED_FLAG_FIELDS


def exercise_code(slug: str) -> dict[str, str]:
    return {"system": EXERCISE_SYSTEM, "code": slug}


def _instant(value: datetime) -> str:
    return value.isoformat(timespec="seconds")


def _ref(kind: str, pk: object, display: str = "") -> dict[str, str]:
    ref = {"reference": f"{kind}/{pk}"}
    if display:
        ref["display"] = display
    return ref


def _user_ref(user_id: int, patient_id: int, display: str = "") -> dict[str, str]:
    return _ref("Patient" if user_id == patient_id else "Practitioner", user_id, display)


def _text(value: str) -> str | None:
    """FHIR strings may not be empty."""
    value = value.strip()
    return value or None


def _compact(resource: dict[str, Any]) -> dict[str, Any]:
    return {key: value for key, value in resource.items() if value not in (None, "", [], {})}


# --- people ---------------------------------------------------------------------------------
def patient_resource(patient: Any, profile: Any) -> dict[str, Any]:
    telecom = [{"system": "email", "value": patient.email, "use": "home"}]
    if profile is not None and profile.phone:
        telecom.append({"system": "phone", "value": profile.phone, "use": "mobile"})
    return _compact(
        {
            "resourceType": "Patient",
            "id": str(patient.pk),
            "identifier": [{"system": f"{FHIR_BASE}/patient", "value": str(patient.pk)}],
            "active": patient.is_active,
            "name": [
                _compact(
                    {
                        "use": "official",
                        "family": _text(patient.last_name),
                        "given": [g for g in [_text(patient.first_name)] if g],
                    }
                )
            ],
            "telecom": telecom,
            "birthDate": profile.date_of_birth.isoformat() if profile else None,
            "address": [{"state": profile.state, "country": "US"}]
            if profile and profile.state
            else None,
            "communication": [
                {
                    "language": {
                        "coding": [
                            {"system": "urn:ietf:bcp:47", "code": profile.preferred_language}
                        ]
                    },
                    "preferred": True,
                }
            ]
            if profile
            else None,
        }
    )


def practitioner_resource(user: Any) -> dict[str, Any]:
    return _compact(
        {
            "resourceType": "Practitioner",
            "id": str(user.pk),
            "name": [
                _compact(
                    {
                        "family": _text(user.last_name),
                        "given": [g for g in [_text(user.first_name)] if g],
                    }
                )
            ],
        }
    )


# --- the plan ---------------------------------------------------------------------------------
def careplan_id(plan: Plan, version: PlanVersion) -> str:
    return f"{plan.pk}-v{version.number}"


def _activity(item: PlanItem, status: str) -> dict[str, Any]:
    extension: list[dict[str, Any]] = [{"url": EXT_SETS, "valueInteger": item.sets}]
    if item.reps is not None:
        extension.append({"url": EXT_REPS, "valueInteger": item.reps})
    if item.hold_seconds is not None:
        extension.append(
            {
                "url": EXT_HOLD,
                "valueDuration": {
                    "value": item.hold_seconds,
                    "unit": "s",
                    "system": UCUM,
                    "code": "s",
                },
            }
        )
    extension.append({"url": EXT_EACH_SIDE, "valueBoolean": item.per_side})
    if _text(item.note):
        extension.append({"url": EXT_NOTE, "valueString": item.note.strip()})
    exercise = item.exercise
    return {
        "detail": {
            "extension": extension,
            "code": {
                "coding": [{**exercise_code(exercise.slug), "display": exercise.name}],
                "text": exercise.name,
            },
            "status": status,
            "scheduledTiming": {
                "repeat": {"frequency": item.sessions_per_week, "period": 1, "periodUnit": "wk"}
            },
            "description": f"{item.dosage_text()}, {item.sessions_per_week} times a week",
        }
    }


def careplan_resource(
    plan: Plan, version: PlanVersion, items: list[PlanItem], *, versions: int
) -> dict[str, Any]:
    """One version of a plan. The current version of an active plan is `active`; a version a
    later one replaced is `revoked`; the last version of an ended plan is `completed`."""
    current = version.number == versions
    if not current:
        status, activity_status = "revoked", "stopped"
    elif plan.status == Plan.Status.ACTIVE:
        status, activity_status = "active", "scheduled"
    else:
        status, activity_status = "completed", "completed"
    return _compact(
        {
            "resourceType": "CarePlan",
            "id": careplan_id(plan, version),
            "identifier": [{"system": f"{FHIR_BASE}/plan", "value": str(plan.pk)}],
            "status": status,
            "intent": "plan",
            "title": plan.template.name if plan.template else "Exercise program",
            "description": _text(version.change_summary),
            "subject": _ref("Patient", plan.patient_id),
            "created": _instant(version.created_at),
            "author": _user_ref(
                version.created_by_id, plan.patient_id, version.created_by.get_full_name()
            ),
            "replaces": [_ref("CarePlan", f"{plan.pk}-v{version.number - 1}")]
            if version.number > 1
            else None,
            "activity": [_activity(item, activity_status) for item in items],
        }
    )


def plan_provenance(plan: Plan, version: PlanVersion) -> dict[str, Any]:
    """Who made this version and when; what changed is the CarePlan's description."""
    return _compact(
        {
            "resourceType": "Provenance",
            "id": careplan_id(plan, version),
            "target": [_ref("CarePlan", careplan_id(plan, version))],
            "recorded": _instant(version.created_at),
            "activity": {
                "coding": [
                    {
                        "system": "http://terminology.hl7.org/CodeSystem/v3-DataOperation",
                        "code": "CREATE" if version.number == 1 else "UPDATE",
                    }
                ]
            },
            "agent": [
                {
                    "type": {
                        "coding": [
                            {
                                "system": "http://terminology.hl7.org/CodeSystem/"
                                "provenance-participant-type",
                                "code": "author",
                            }
                        ]
                    },
                    "who": _user_ref(
                        version.created_by_id, plan.patient_id, version.created_by.get_full_name()
                    ),
                }
            ],
            "entity": [
                {
                    "role": "revision",
                    "what": _ref("CarePlan", f"{plan.pk}-v{version.number - 1}"),
                }
            ]
            if version.number > 1
            else None,
        }
    )


# --- what the patient did -----------------------------------------------------------------
def completion_observation(patient: Any, completion: Completion) -> dict[str, Any]:
    exercise = completion.exercise
    return {
        "resourceType": "Observation",
        "id": str(completion.pk),
        "status": "final",
        "category": [
            {
                "coding": [
                    {
                        "system": "http://terminology.hl7.org/CodeSystem/observation-category",
                        "code": "activity",
                        "display": "Activity",
                    }
                ]
            }
        ],
        "code": {
            "coding": [{**exercise_code(exercise.slug), "display": exercise.name}],
            "text": f"Exercise done: {exercise.name}",
        },
        "subject": _ref("Patient", patient.pk),
        "effectiveDateTime": _instant(completion.completed_at),
        "component": [
            {
                "code": {
                    "coding": [
                        {
                            "system": LOINC,
                            "code": "72514-3",
                            "display": "Pain severity - 0-10 verbal numeric rating [Score] - "
                            "Reported",
                        }
                    ]
                },
                "valueInteger": completion.pain,
            },
            {
                "code": {
                    "coding": [
                        {
                            "system": OBSERVATION_SYSTEM,
                            "code": "difficulty",
                            "display": "How hard it felt",
                        }
                    ]
                },
                "valueCodeableConcept": {
                    "coding": [
                        {
                            "system": DIFFICULTY_SYSTEM,
                            "code": completion.difficulty,
                            "display": completion.get_difficulty_display(),
                        }
                    ]
                },
            },
        ],
    }


def _answer(value: Any) -> list[dict[str, Any]]:
    if isinstance(value, bool):
        return [{"valueBoolean": value}]
    if isinstance(value, int):
        return [{"valueInteger": value}]
    if isinstance(value, float | Decimal):
        return [{"valueDecimal": float(value)}]
    if isinstance(value, str) and value.strip():
        return [{"valueString": value.strip()}]
    return []


def _items(value: Any, prefix: str) -> list[dict[str, Any]]:
    """Answers (dicts, lists, scalars) as QuestionnaireResponse items, linkIds as paths."""
    if isinstance(value, dict):
        pairs = list(value.items())
    else:
        pairs = [(str(position), inner) for position, inner in enumerate(value, start=1)]
    items = []
    for key, inner in pairs:
        link = f"{prefix}{key}"
        if isinstance(inner, dict | list):
            item: dict[str, Any] = {"linkId": link, "text": str(key)}
            nested = _items(inner, f"{link}.")
            if nested:
                item["item"] = nested
        else:
            item = {"linkId": link, "text": str(key)}
            answer = _answer(inner)
            if answer:
                item["answer"] = answer
        items.append(item)
    return items


def outcome_questionnaire_response(patient: Any, response: OutcomeResponse) -> dict[str, Any]:
    return {
        "resourceType": "QuestionnaireResponse",
        "id": f"outcome-{response.pk}",
        "questionnaire": f"{FHIR_BASE}/Questionnaire/{response.measure}",
        "status": "completed",
        "subject": _ref("Patient", patient.pk),
        "authored": _instant(response.answered_at),
        "item": [
            {
                "linkId": "score",
                "text": f"{response.get_measure_display()} score",
                "answer": [{"valueDecimal": float(response.score)}],
            },
            *_items(response.answers, ""),
        ],
    }


def intake_questionnaire_response(patient: Any, intake: Intake) -> dict[str, Any]:
    answers: dict[str, Any] = {
        "pain_areas": intake.pain_areas,
        "pain_now": intake.pain_now,
        "goals": intake.goals,
        "hard_activities": intake.hard_activities,
        **{name: getattr(intake, name) for name in RED_FLAGS},
    }
    return {
        "resourceType": "QuestionnaireResponse",
        "id": f"intake-{intake.pk}",
        "questionnaire": f"{FHIR_BASE}/Questionnaire/intake",
        "status": "completed",
        "subject": _ref("Patient", patient.pk),
        "authored": _instant(intake.submitted_at),
        "item": _items(answers, ""),
    }


# --- the care team's records ------------------------------------------------------------------
def message_communication(patient: Any, message: Message) -> dict[str, Any]:
    return {
        "resourceType": "Communication",
        "id": str(message.pk),
        "status": "completed",
        "subject": _ref("Patient", patient.pk),
        "sent": _instant(message.created_at),
        "sender": _user_ref(message.sender_id, patient.pk),
        "payload": [{"contentString": message.body}],
    }


APPOINTMENT_STATUS = {
    Visit.Status.BOOKED: "booked",
    Visit.Status.CANCELLED: "cancelled",
    Visit.Status.RESCHEDULED: "cancelled",
    Visit.Status.COMPLETED: "fulfilled",
}


def visit_appointment(patient: Any, visit: Visit) -> dict[str, Any]:
    return _compact(
        {
            "resourceType": "Appointment",
            "id": str(visit.pk),
            "status": APPOINTMENT_STATUS[Visit.Status(visit.status)],
            "description": "Video visit"
            + (" (rescheduled to a new time)" if visit.status == Visit.Status.RESCHEDULED else ""),
            "start": _instant(visit.starts_at),
            "end": _instant(visit.ends_at),
            "created": _instant(visit.created_at),
            "participant": [
                {"actor": _ref("Patient", patient.pk), "status": "accepted"},
                {"actor": _ref("Practitioner", visit.therapist_id), "status": "accepted"},
            ],
        }
    )


def _note_text(note: ProgressNote) -> str:
    if note.is_addendum:
        return f"Addendum\n\n{note.body}"
    parts = [
        ("Subjective", note.subjective),
        ("Objective", note.objective),
        ("Assessment", note.assessment),
        ("Plan", note.plan),
    ]
    return "\n\n".join(f"{title}\n{text}" for title, text in parts)


def note_document_reference(patient: Any, note: ProgressNote) -> dict[str, Any]:
    assert note.signed_at is not None
    return _compact(
        {
            "resourceType": "DocumentReference",
            "id": str(note.pk),
            "status": "current",
            "docStatus": "final",
            "type": {"coding": [{"system": LOINC, "code": "11506-3", "display": "Progress note"}]},
            "subject": _ref("Patient", patient.pk),
            "date": _instant(note.signed_at),
            "author": [_ref("Practitioner", note.author_id)],
            "authenticator": _ref("Practitioner", note.signed_by_id) if note.signed_by_id else None,
            "description": "Progress note (addendum)" if note.is_addendum else "Progress note",
            "relatesTo": [{"code": "appends", "target": _ref("DocumentReference", note.amends_id)}]
            if note.amends_id
            else None,
            "content": [
                {
                    "attachment": {
                        "contentType": "text/plain; charset=utf-8",
                        "data": base64.b64encode(_note_text(note).encode()).decode(),
                        "creation": _instant(note.signed_at),
                    }
                }
            ],
            "context": {
                "period": {
                    "start": note.period_start.isoformat(),
                    "end": note.period_end.isoformat(),
                }
            },
        }
    )


# --- a CarePlan read back -------------------------------------------------------------------
@dataclass(frozen=True)
class ImportedItem:
    slug: str
    element: str  # where it came from, for error messages
    sets: int
    reps: int | None
    hold_seconds: int | None
    per_side: bool
    sessions_per_week: int
    note: str


class CarePlanError(ValueError):
    def __init__(self, element: str, message: str) -> None:
        super().__init__(f"{element}: {message}")
        self.element = element
        self.message = message


def _is_int(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _extension(detail: dict[str, Any], url: str, key: str, where: str) -> Any:
    found = [
        e for e in detail.get("extension") or [] if isinstance(e, dict) and e.get("url") == url
    ]
    if len(found) > 1:
        raise CarePlanError(f"{where}.extension", f"{url} is given more than once.")
    return found[0].get(key) if found else None


def _activity_item(activity: Any, where: str) -> ImportedItem:
    if not isinstance(activity, dict) or not isinstance(activity.get("detail"), dict):
        raise CarePlanError(f"{where}.detail", "Each activity needs a detail.")
    detail = activity["detail"]
    where = f"{where}.detail"
    code = detail.get("code")
    codings = code.get("coding") if isinstance(code, dict) else None
    if not isinstance(codings, list):
        raise CarePlanError(f"{where}.code", "Give the exercise as a coding.")
    slugs: list[str] = [
        c["code"]
        for c in codings
        if isinstance(c, dict)
        and c.get("system") == EXERCISE_SYSTEM
        and isinstance(c.get("code"), str)
    ]
    if len(slugs) != 1:
        raise CarePlanError(f"{where}.code", f"Give exactly one coding from {EXERCISE_SYSTEM}.")
    sets = _extension(detail, EXT_SETS, "valueInteger", where)
    if not _is_int(sets):
        raise CarePlanError(f"{where}.extension", f"{EXT_SETS} needs a valueInteger.")
    reps = _extension(detail, EXT_REPS, "valueInteger", where)
    if reps is not None and not _is_int(reps):
        raise CarePlanError(f"{where}.extension", f"{EXT_REPS} needs a valueInteger.")
    hold = _extension(detail, EXT_HOLD, "valueDuration", where)
    hold_seconds = None
    if hold is not None:
        if not (
            isinstance(hold, dict)
            and hold.get("system") == UCUM
            and hold.get("code") in ("s", "min")
            and isinstance(hold.get("value"), int | float)
            and not isinstance(hold.get("value"), bool)
            and math.isfinite(hold["value"])
        ):
            raise CarePlanError(
                f"{where}.extension", f"{EXT_HOLD} needs a UCUM duration in s or min."
            )
        seconds = hold["value"] * (60 if hold["code"] == "min" else 1)
        if seconds != int(seconds):
            raise CarePlanError(f"{where}.extension", "A hold is a whole number of seconds.")
        hold_seconds = int(seconds)
    per_side = _extension(detail, EXT_EACH_SIDE, "valueBoolean", where)
    if per_side is not None and not isinstance(per_side, bool):
        raise CarePlanError(f"{where}.extension", f"{EXT_EACH_SIDE} needs a valueBoolean.")
    note = _extension(detail, EXT_NOTE, "valueString", where)
    if note is not None and not isinstance(note, str):
        raise CarePlanError(f"{where}.extension", f"{EXT_NOTE} needs a valueString.")
    timing = detail.get("scheduledTiming")
    repeat = timing.get("repeat") if isinstance(timing, dict) else None
    if not (
        isinstance(repeat, dict)
        and _is_int(repeat.get("frequency"))
        and repeat.get("period") in (1, 1.0)
        and not isinstance(repeat.get("period"), bool)
        and repeat.get("periodUnit") == "wk"
    ):
        raise CarePlanError(
            f"{where}.scheduledTiming",
            "Give the frequency as repeat.frequency times per 1 wk.",
        )
    if not 1 <= repeat["frequency"] <= 7:
        raise CarePlanError(f"{where}.scheduledTiming", "From 1 to 7 sessions a week.")
    return ImportedItem(
        slug=slugs[0],
        element=where,
        sets=sets,
        reps=reps,
        hold_seconds=hold_seconds,
        per_side=bool(per_side),
        sessions_per_week=repeat["frequency"],
        note=(note or "").strip(),
    )


def careplan_items(data: Any) -> list[ImportedItem]:
    """The prescription in a CarePlan, or CarePlanError naming the first element at fault."""
    if not isinstance(data, dict) or data.get("resourceType") != "CarePlan":
        raise CarePlanError("CarePlan.resourceType", "Send one FHIR CarePlan resource.")
    if data.get("intent") not in ("proposal", "plan", "order", "option"):
        raise CarePlanError("CarePlan.intent", "intent is missing or not a CarePlan intent.")
    activities = data.get("activity")
    if not isinstance(activities, list) or not activities:
        raise CarePlanError("CarePlan.activity", "A plan needs at least one activity.")
    return [
        _activity_item(activity, f"CarePlan.activity[{position}]")
        for position, activity in enumerate(activities)
    ]
