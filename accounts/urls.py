"""Every page of accounts. The namespaces (accounts, security, eligibility, employer) predate
this module and stay, so every URL name is unchanged."""

from django.contrib.auth import views as auth_views
from django.urls import include, path

from accounts.views import (
    audit,
    eligibility,
    employer,
    enrolment,
    people,
    privacy,
    rosters,
    security,
)

people_urlpatterns = [
    path("signup/", people.sign_up, name="signup"),
    path("invitations/", enrolment.invitations, name="invitations"),
    path("login/", people.LoginView.as_view(), name="login"),
    path("logout/", people.LogoutView.as_view(), name="logout"),
    path("profile/", people.profile, name="profile"),
    path("password/change/", people.PasswordChangeView.as_view(), name="password_change"),
    path(
        "password/change/done/",
        auth_views.PasswordChangeDoneView.as_view(
            template_name="accounts/people/password_change_done.html"
        ),
        name="password_change_done",
    ),
    path("password/reset/", people.PasswordResetView.as_view(), name="password_reset"),
    path(
        "password/reset/sent/",
        auth_views.PasswordResetDoneView.as_view(
            template_name="accounts/people/password_reset_done.html"
        ),
        name="password_reset_done",
    ),
    path(
        "password/reset/<uidb64>/<token>/",
        people.PasswordResetConfirmView.as_view(),
        name="password_reset_confirm",
    ),
    path(
        "password/reset/complete/",
        auth_views.PasswordResetCompleteView.as_view(
            template_name="accounts/people/password_reset_complete.html"
        ),
        name="password_reset_complete",
    ),
]

security_urlpatterns = [
    path("accounts/security/", security.security_overview, name="overview"),
    path("accounts/mfa/setup/", security.mfa_setup, name="mfa-setup"),
    path("accounts/mfa/verify/", security.mfa_verify, name="mfa-verify"),
    path(
        "accounts/mfa/recovery-codes/",
        security.recovery_codes_regenerate,
        name="recovery-codes",
    ),
    path("accounts/logout-everywhere/", security.logout_everywhere, name="logout-everywhere"),
    path("accounts/privacy/", privacy.privacy_overview, name="privacy"),
    path("accounts/privacy/access-log/", audit.access_log, name="access-log"),
    path("accounts/privacy/my-data.json", privacy.data_export, name="data-export"),
    path("accounts/privacy/close/", privacy.account_close, name="account-close"),
    path("audit/", audit.audit_log, name="audit-log"),
    path("audit/export.csv", audit.audit_export_csv, name="audit-export"),
    path("security/lockouts/", security.lockouts, name="lockouts"),
]

eligibility_urlpatterns = [
    path("", eligibility.check, name="check"),
    path("enrol/<str:token>/", eligibility.enrol, name="enrol"),
    path("enrol/confirm/<str:token>/", eligibility.enrol_confirm, name="enrol-confirm"),
    path("reviews/", eligibility.review_queue, name="reviews"),
    path("reviews/<int:review_id>/decide/", eligibility.review_decide, name="review-decide"),
]

employer_urlpatterns = [
    path("", employer.dashboard, name="dashboard"),
    path("imports/", rosters.imports, name="imports"),
    path("imports/<int:import_id>/", rosters.import_detail, name="import-detail"),
    path("imports/<int:import_id>/decide/", rosters.import_decide, name="import-decide"),
    path(
        "imports/<int:import_id>/rejected-rows.csv",
        rosters.import_rejections_csv,
        name="import-rejections",
    ),
    path("roster/", rosters.roster, name="roster"),
    path("roster/<int:entry_id>/", rosters.roster_entry, name="roster-entry"),
]

urlpatterns = [
    path("accounts/", include((people_urlpatterns, "accounts"))),
    path("", include((security_urlpatterns, "security"))),
    path("eligibility/", include((eligibility_urlpatterns, "eligibility"))),
    path("employer/", include((employer_urlpatterns, "employer"))),
    path("patients/<int:patient_id>/", people.patient_detail, name="patient-detail"),
]
