# One module per topic; import every model here so Django and other apps find them.
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

__all__ = [
    "MAX_HOLD_SECONDS",
    "MAX_REPS",
    "MAX_SETS",
    "Article",
    "BodyRegion",
    "Completion",
    "Difficulty",
    "Dosage",
    "Exercise",
    "ExerciseSession",
    "Plan",
    "PlanItem",
    "PlanVersion",
    "ProgramTemplate",
    "ProgramTemplateItem",
]
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
    "ThreadReadState",
    "Visit",
    "VisitReminder",
    "VisitSchedule",
    "Weekday",
]
