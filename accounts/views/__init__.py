from accounts.views.people import (
    LoginView,
    PasswordChangeView,
    PasswordResetConfirmView,
    PasswordResetView,
    patient_detail,
    profile,
    sign_up,
)

__all__ = [
    "LoginView",
    "PasswordChangeView",
    "PasswordResetConfirmView",
    "PasswordResetView",
    "patient_detail",
    "profile",
    "sign_up",
]
