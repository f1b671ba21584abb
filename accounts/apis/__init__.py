from accounts.apis.people import (
    ErrorSerializer,
    MeApi,
    PatientDetailApi,
    PatientListApi,
    SignUpApi,
    TokenApi,
)

__all__ = [
    "ErrorSerializer",
    "MeApi",
    "PatientDetailApi",
    "PatientListApi",
    "SignUpApi",
    "TokenApi",
]
