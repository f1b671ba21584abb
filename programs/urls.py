from django.urls import path

from programs.views import careteam

app_name = "programs"

urlpatterns: list = [
    path("progress/outcomes/", careteam.my_outcomes, name="my-outcomes"),
    path("progress/outcomes/<slug:measure>/", careteam.outcome_answer, name="outcome-answer"),
    path("notes/", careteam.my_notes, name="my-notes"),
    path("notes/<int:note_id>/", careteam.note_detail, name="note"),
    path("patients/<int:patient_id>/notes/new/", careteam.note_start, name="note-start"),
    path(
        "patients/<int:patient_id>/outcomes/",
        careteam.patient_outcomes,
        name="patient-outcomes",
    ),
    path(
        "alerts/<int:alert_id>/acknowledge/",
        careteam.alert_acknowledge,
        name="alert-acknowledge",
    ),
]
