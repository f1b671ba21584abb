"""Validate FHIR R4 resources the strict way: the `fhir.resources` R4B models check structure
and types; this module adds what they do not check, the codes of required value-set bindings
(statuses, intents, units). Every problem is returned, so a test can fail on any."""

from typing import Any

from fhir.resources.R4B import get_fhir_model_class
from pydantic import ValidationError

UCUM = "http://unitsofmeasure.org"
UCUM_TIME = {"ms", "s", "min", "h", "d", "wk", "mo", "a"}
UNITS_OF_TIME = {"s", "min", "h", "d", "wk", "mo", "a"}  # Timing.repeat.periodUnit etc.

# (resource type, path) -> the codes of the required value set (FHIR R4 / R4B).
REQUIRED: dict[tuple[str, str], set[str]] = {
    ("Bundle", "type"): {
        "document",
        "message",
        "transaction",
        "transaction-response",
        "batch",
        "batch-response",
        "history",
        "searchset",
        "collection",
    },
    ("Patient", "name.use"): {
        "usual",
        "official",
        "temp",
        "nickname",
        "anonymous",
        "old",
        "maiden",
    },
    ("Patient", "telecom.system"): {"phone", "fax", "email", "pager", "url", "sms", "other"},
    ("Patient", "telecom.use"): {"home", "work", "temp", "old", "mobile"},
    ("Practitioner", "name.use"): {
        "usual",
        "official",
        "temp",
        "nickname",
        "anonymous",
        "old",
        "maiden",
    },
    ("CarePlan", "status"): {
        "draft",
        "active",
        "on-hold",
        "revoked",
        "completed",
        "entered-in-error",
        "unknown",
    },
    ("CarePlan", "intent"): {"proposal", "plan", "order", "option"},
    ("CarePlan", "activity.detail.status"): {
        "not-started",
        "scheduled",
        "in-progress",
        "on-hold",
        "completed",
        "cancelled",
        "stopped",
        "unknown",
        "entered-in-error",
    },
    ("CarePlan", "activity.detail.kind"): {
        "Appointment",
        "CommunicationRequest",
        "DeviceRequest",
        "MedicationRequest",
        "NutritionOrder",
        "Task",
        "ServiceRequest",
        "VisionPrescription",
    },
    ("Provenance", "entity.role"): {"derivation", "revision", "quotation", "source", "removal"},
    ("Observation", "status"): {
        "registered",
        "preliminary",
        "final",
        "amended",
        "corrected",
        "cancelled",
        "entered-in-error",
        "unknown",
    },
    ("QuestionnaireResponse", "status"): {
        "in-progress",
        "completed",
        "amended",
        "entered-in-error",
        "stopped",
    },
    ("Communication", "status"): {
        "preparation",
        "in-progress",
        "not-done",
        "on-hold",
        "stopped",
        "completed",
        "entered-in-error",
        "unknown",
    },
    ("Appointment", "status"): {
        "proposed",
        "pending",
        "booked",
        "arrived",
        "fulfilled",
        "cancelled",
        "noshow",
        "entered-in-error",
        "checked-in",
        "waitlist",
    },
    ("Appointment", "participant.status"): {"accepted", "declined", "tentative", "needs-action"},
    ("Appointment", "participant.required"): {"required", "optional", "information-only"},
    ("DocumentReference", "status"): {"current", "superseded", "entered-in-error"},
    ("DocumentReference", "docStatus"): {"preliminary", "final", "amended", "entered-in-error"},
    ("DocumentReference", "relatesTo.code"): {"replaces", "transforms", "signs", "appends"},
}
# Every resource type we export must have its required statuses checked above.
MANDATORY_STATUS = {
    "CarePlan": ["status", "intent"],
    "Observation": ["status"],
    "QuestionnaireResponse": ["status"],
    "Communication": ["status"],
    "Appointment": ["status"],
    "DocumentReference": ["status"],
}


def _values(node: Any, path: list[str]) -> list[Any]:
    if isinstance(node, list):
        return [v for item in node for v in _values(item, path)]
    if not path:
        return [node]
    if not isinstance(node, dict) or path[0] not in node:
        return []
    return _values(node[path[0]], path[1:])


def _walk_units(node: Any, where: str, problems: list[str]) -> None:
    if isinstance(node, dict):
        if node.get("system") == UCUM and node.get("code") not in UCUM_TIME | {"1", "%"}:
            problems.append(f"{where}: UCUM code {node.get('code')!r} is not one we expect")
        for key in ("periodUnit", "durationUnit"):
            if key in node and node[key] not in UNITS_OF_TIME:
                problems.append(f"{where}.{key}: {node[key]!r} is not a UnitsOfTime code")
        for key, value in node.items():
            _walk_units(value, f"{where}.{key}", problems)
    elif isinstance(node, list):
        for position, value in enumerate(node):
            _walk_units(value, f"{where}[{position}]", problems)


def fhir_problems(resource: dict[str, Any]) -> list[str]:
    """Everything wrong with one resource (a Bundle's entries are checked too)."""
    kind = resource.get("resourceType", "?")
    problems: list[str] = []
    try:
        get_fhir_model_class(kind).model_validate(resource)
    except (ValidationError, KeyError, ValueError) as exc:
        problems.append(f"{kind}/{resource.get('id')}: {exc}")
    for (rtype, path), allowed in REQUIRED.items():
        if rtype != kind:
            continue
        for value in _values(resource, path.split(".")):
            if value not in allowed:
                problems.append(f"{kind}.{path}: {value!r} is not in the required value set")
    for path in MANDATORY_STATUS.get(kind, []):
        if not _values(resource, path.split(".")):
            problems.append(f"{kind}.{path} is missing")
    _walk_units(resource, kind, problems)
    for entry in resource.get("entry", []) if kind == "Bundle" else []:
        problems += fhir_problems(entry["resource"])
    return problems
