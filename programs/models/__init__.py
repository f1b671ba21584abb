# One module per topic; import every model here so Django and other apps find them.
from programs.models.alerts import Alert
from programs.models.caseload import PatientSummary
from programs.models.library import (
    Article,
    BodyRegion,
    Exercise,
    ProgramTemplate,
    ProgramTemplateItem,
)
from programs.models.notes import ProgressNote, ProgressNoteVersion
from programs.models.outcomes import OutcomeResponse
from programs.models.plans import (
    HOLD_TOO_LONG,
    HOLD_WARN_SECONDS,
    MAX_HOLD_SECONDS,
    MAX_REPS,
    MAX_SETS,
    REPS_XOR_HOLD_MESSAGE,
    Dosage,
    Plan,
    PlanItem,
    PlanVersion,
    dosage_text,
    reps_xor_hold_error,
)
from programs.models.progression import ProgressionSettings, ProgressionSuggestion
from programs.models.reminders import (
    ALL_WEEKDAYS,
    PushSubscription,
    ReminderChannel,
    ReminderDelivery,
    ReminderSchedule,
    ReminderSettings,
)
from programs.models.sessions import Completion, Difficulty, ExerciseSession

__all__ = [
    "ALL_WEEKDAYS",
    "HOLD_TOO_LONG",
    "HOLD_WARN_SECONDS",
    "MAX_HOLD_SECONDS",
    "MAX_REPS",
    "MAX_SETS",
    "REPS_XOR_HOLD_MESSAGE",
    "Alert",
    "Article",
    "BodyRegion",
    "Completion",
    "Difficulty",
    "Dosage",
    "Exercise",
    "ExerciseSession",
    "OutcomeResponse",
    "PatientSummary",
    "Plan",
    "PlanItem",
    "PlanVersion",
    "ProgramTemplate",
    "ProgramTemplateItem",
    "PushSubscription",
    "ReminderChannel",
    "ReminderDelivery",
    "ReminderSchedule",
    "ReminderSettings",
    "dosage_text",
    "reps_xor_hold_error",
]
from programs.models.intake import (
    DOCTOR_FLAGS,
    EMERGENCY_FLAGS,
    PT_REVIEW_FLAGS,
    RED_FLAG_FIELDS,
    Intake,
    IntakeClearance,
)
from programs.models.messaging import MESSAGE_MAX_LENGTH, Message, ThreadReadState
from programs.models.visits import (
    AvailabilityWindow,
    Visit,
    VisitReminder,
    VisitSchedule,
    Weekday,
)

__all__ += [
    "MESSAGE_MAX_LENGTH",
    "AvailabilityWindow",
    "Message",
    "ProgressNote",
    "ProgressNoteVersion",
    "ThreadReadState",
    "Visit",
    "VisitReminder",
    "VisitSchedule",
    "Weekday",
]

__all__ += ["ProgressionSettings", "ProgressionSuggestion"]
__all__ += [
    "DOCTOR_FLAGS",
    "EMERGENCY_FLAGS",
    "PT_REVIEW_FLAGS",
    "RED_FLAG_FIELDS",
    "Intake",
    "IntakeClearance",
]
