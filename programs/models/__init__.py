# One module per topic; import every model here so Django and other apps find them.
from programs.models.careteam import (
    Alert,
    OutcomeResponse,
    PatientSummary,
    ProgressNote,
    ProgressNoteVersion,
)
from programs.models.core import (
    MAX_HOLD_SECONDS,
    MAX_REPS,
    MAX_SETS,
    Article,
    BodyRegion,
    Completion,
    Difficulty,
    Dosage,
    Exercise,
    ExerciseSession,
    Plan,
    PlanItem,
    PlanVersion,
    ProgramTemplate,
    ProgramTemplateItem,
)
from programs.models.reminders import (
    ALL_WEEKDAYS,
    ReminderChannel,
    ReminderDelivery,
    ReminderSchedule,
    ReminderSettings,
)

__all__ = [
    "ALL_WEEKDAYS",
    "MAX_HOLD_SECONDS",
    "MAX_REPS",
    "MAX_SETS",
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
    "ReminderChannel",
    "ReminderDelivery",
    "ReminderSchedule",
    "ReminderSettings",
]
from programs.models.intake import RED_FLAG_FIELDS, Intake
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

__all__ += ["RED_FLAG_FIELDS", "Intake"]
