from django.urls import path

from programs.apis import careteam

urlpatterns: list = [
    path("caseload/", careteam.CaseloadApi.as_view(), name="api-caseload"),
    path(
        "patients/<int:patient_id>/alerts/",
        careteam.PatientAlertListApi.as_view(),
        name="api-patient-alerts",
    ),
    path(
        "alerts/<int:alert_id>/acknowledge/",
        careteam.AlertAcknowledgeApi.as_view(),
        name="api-alert-acknowledge",
    ),
    path(
        "patients/<int:patient_id>/outcomes/",
        careteam.PatientOutcomeListApi.as_view(),
        name="api-patient-outcomes",
    ),
    path("outcomes/", careteam.OutcomeRecordApi.as_view(), name="api-outcome-record"),
    path(
        "patients/<int:patient_id>/notes/",
        careteam.PatientNoteListApi.as_view(),
        name="api-patient-notes",
    ),
    path("notes/<int:note_id>/", careteam.NoteDetailApi.as_view(), name="api-note"),
    path("notes/<int:note_id>/sign/", careteam.NoteSignApi.as_view(), name="api-note-sign"),
    path(
        "notes/<int:note_id>/addenda/",
        careteam.NoteAddendumApi.as_view(),
        name="api-note-addenda",
    ),
]
