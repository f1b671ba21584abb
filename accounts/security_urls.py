from django.urls import path

from accounts import security_views as views

app_name = "security"

urlpatterns = [
    path("accounts/security/", views.security_overview, name="overview"),
    path("accounts/mfa/setup/", views.mfa_setup, name="mfa-setup"),
    path("accounts/mfa/verify/", views.mfa_verify, name="mfa-verify"),
    path(
        "accounts/mfa/recovery-codes/",
        views.recovery_codes_regenerate,
        name="recovery-codes",
    ),
    path("accounts/logout-everywhere/", views.logout_everywhere, name="logout-everywhere"),
    path("accounts/privacy/", views.privacy_overview, name="privacy"),
    path("accounts/privacy/access-log/", views.access_log, name="access-log"),
    path("accounts/privacy/my-data.json", views.data_export, name="data-export"),
    path("accounts/privacy/close/", views.account_close, name="account-close"),
    path("audit/", views.audit_log, name="audit-log"),
    path("audit/export.csv", views.audit_export_csv, name="audit-export"),
    path("security/lockouts/", views.lockouts, name="lockouts"),
]
