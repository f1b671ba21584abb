from accounts.services.people import (
    care_team_assign_primary,
    patient_profile_update,
    patient_sign_up,
)

__all__ = [
    "care_team_assign_primary",
    "patient_profile_update",
    "patient_sign_up",
]
