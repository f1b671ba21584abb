from django.urls import path

from accounts import apis
from accounts.apis import eligibility as eligibility_apis
from accounts.apis import employer as employer_apis

urlpatterns = [
    path("auth/signup/", apis.SignUpApi.as_view(), name="api-signup"),
    path("auth/token/", apis.TokenApi.as_view(), name="api-token"),
    path("me/", apis.MeApi.as_view(), name="api-me"),
    path("patients/", apis.PatientListApi.as_view(), name="api-patient-list"),
    path("patients/<int:patient_id>/", apis.PatientDetailApi.as_view(), name="api-patient-detail"),
]

urlpatterns += [
    path("sponsors/", eligibility_apis.SponsorSearchApi.as_view(), name="api-sponsor-search"),
    path(
        "eligibility/check/",
        eligibility_apis.EligibilityCheckApi.as_view(),
        name="api-eligibility-check",
    ),
    path(
        "employer/roster-imports/",
        employer_apis.RosterImportListApi.as_view(),
        name="api-roster-import-list",
    ),
    path(
        "employer/roster-imports/<int:import_id>/",
        employer_apis.RosterImportDetailApi.as_view(),
        name="api-roster-import-detail",
    ),
    path(
        "employer/roster-imports/<int:import_id>/confirm/",
        employer_apis.RosterImportConfirmApi.as_view(),
        name="api-roster-import-confirm",
    ),
    path("employer/roster/", employer_apis.RosterSearchApi.as_view(), name="api-roster-search"),
    path(
        "employer/roster/<int:entry_id>/",
        employer_apis.RosterEntryApi.as_view(),
        name="api-roster-entry",
    ),
    path(
        "employer/dashboard/",
        employer_apis.EmployerDashboardApi.as_view(),
        name="api-employer-dashboard",
    ),
]
