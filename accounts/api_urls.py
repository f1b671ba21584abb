from django.urls import path

from accounts import apis

urlpatterns = [
    path("auth/signup/", apis.SignUpApi.as_view(), name="api-signup"),
    path("auth/token/", apis.TokenApi.as_view(), name="api-token"),
    path("me/", apis.MeApi.as_view(), name="api-me"),
    path("patients/", apis.PatientListApi.as_view(), name="api-patient-list"),
    path("patients/<int:patient_id>/", apis.PatientDetailApi.as_view(), name="api-patient-detail"),
]
