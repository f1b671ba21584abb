# One module per feature; import every model here so Django and other apps find them.
from accounts.models.audit import AuditEvent
from accounts.models.eligibility import EligibilityCheck, EligibilityReview, Sponsor
from accounts.models.employer import (
    ActivityRollupDay,
    EmployerAdminProfile,
    EmployerPeriodFigures,
    MemberActivityMonth,
    MemberPainTrend,
)
from accounts.models.enrolment import Enrolment, Invitation
from accounts.models.people import (
    US_STATES,
    CareTeamLink,
    PatientProfile,
    TherapistProfile,
    User,
    UserManager,
    validate_date_of_birth,
    validate_time_zone,
)
from accounts.models.rosters import RosterEntry, RosterImport, RosterImportRejection
from accounts.models.security import ApiToken

__all__ = [
    "US_STATES",
    "ActivityRollupDay",
    "ApiToken",
    "AuditEvent",
    "CareTeamLink",
    "EligibilityCheck",
    "EligibilityReview",
    "EmployerAdminProfile",
    "EmployerPeriodFigures",
    "Enrolment",
    "Invitation",
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
