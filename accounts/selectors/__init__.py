from accounts.selectors.people import (
    patient_get_for_user,
    patient_list_for_user,
    patient_rows_for_user,
    primary_therapist_for,
)

__all__ = [
    "patient_get_for_user",
    "patient_list_for_user",
    "patient_rows_for_user",
    "primary_therapist_for",
]
