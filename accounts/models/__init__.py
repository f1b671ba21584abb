from accounts.models.activity import ActivityRollupDay, MemberActivityMonth, MemberPainTrend
from accounts.models.eligibility import (
    EligibilityCheck,
    EligibilityReview,
    Enrolment,
    RosterEntry,
    RosterImport,
    RosterImportRejection,
)
from accounts.models.intake import Intake
from accounts.models.people import (
    US_STATES,
    AuditEvent,
    CareTeamLink,
    EmployerAdminProfile,
    PatientProfile,
    Sponsor,
    TherapistProfile,
    User,
    UserManager,
    validate_date_of_birth,
    validate_time_zone,
)

__all__ = [
    "US_STATES",
    "ActivityRollupDay",
    "AuditEvent",
    "CareTeamLink",
    "EligibilityCheck",
    "EligibilityReview",
    "EmployerAdminProfile",
    "Enrolment",
    "Intake",
    "MemberActivityMonth",
    "MemberPainTrend",
    "PatientProfile",
    "RosterEntry",
    "RosterImport",
    "RosterImportRejection",
    "Sponsor",
    "TherapistProfile",
    "User",
    "UserManager",
    "validate_date_of_birth",
    "validate_time_zone",
]
