from accounts.apis.people import (
    MeApi,
    PatientDetailApi,
    PatientListApi,
    SignUpApi,
    TokenApi,
)

__all__ = [
    "MeApi",
    "PatientDetailApi",
    "PatientListApi",
    "SignUpApi",
    "TokenApi",
]
