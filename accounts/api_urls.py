from django.urls import path

from accounts.apis import audit, eligibility, employer, people, privacy, rosters

urlpatterns = [
    path("auth/signup/", people.SignUpApi.as_view(), name="api-signup"),
    path("auth/token/", people.TokenApi.as_view(), name="api-token"),
    path("me/", people.MeApi.as_view(), name="api-me"),
    path("patients/", people.PatientListApi.as_view(), name="api-patient-list"),
    path(
        "patients/<int:patient_id>/", people.PatientDetailApi.as_view(), name="api-patient-detail"
    ),
    path("sponsors/", eligibility.SponsorSearchApi.as_view(), name="api-sponsor-search"),
    path(
        "eligibility/check/",
        eligibility.EligibilityCheckApi.as_view(),
        name="api-eligibility-check",
    ),
    path(
        "employer/roster-imports/",
        rosters.RosterImportListApi.as_view(),
        name="api-roster-import-list",
    ),
    path(
        "employer/roster-imports/<int:import_id>/",
        rosters.RosterImportDetailApi.as_view(),
        name="api-roster-import-detail",
    ),
    path(
        "employer/roster-imports/<int:import_id>/confirm/",
        rosters.RosterImportConfirmApi.as_view(),
        name="api-roster-import-confirm",
    ),
    path("employer/roster/", rosters.RosterSearchApi.as_view(), name="api-roster-search"),
    path(
        "employer/roster/<int:entry_id>/",
        rosters.RosterEntryApi.as_view(),
        name="api-roster-entry",
    ),
    path(
        "employer/dashboard/",
        employer.EmployerDashboardApi.as_view(),
        name="api-employer-dashboard",
    ),
    path("audit/events/", audit.AuditEventListApi.as_view(), name="api-audit-events"),
    path("me/access-log/", audit.MyAccessLogApi.as_view(), name="api-my-access-log"),
    path("me/export/", privacy.MyDataExportApi.as_view(), name="api-my-export"),
]
