from django.urls import path

from programs.apis import (
    alerts,
    caseload,
    intake,
    library,
    messaging,
    notes,
    outcomes,
    plans,
    progress,
    progression,
    push,
    records,
    reminders,
    sessions,
    triage,
    visits,
)

urlpatterns = [
    path(
        "patients/<int:patient_id>/progression/",
        progression.PatientSuggestionsApi.as_view(),
        name="api-progression-list",
    ),
    path(
        "patients/<int:patient_id>/progression/settings/",
        progression.ProgressionSettingsApi.as_view(),
        name="api-progression-settings",
    ),
    path(
        "progression/<int:suggestion_id>/accept/",
        progression.SuggestionAcceptApi.as_view(),
        name="api-progression-accept",
    ),
    path(
        "progression/<int:suggestion_id>/edit/",
        progression.SuggestionEditApi.as_view(),
        name="api-progression-edit",
    ),
    path(
        "progression/<int:suggestion_id>/decline/",
        progression.SuggestionDeclineApi.as_view(),
        name="api-progression-decline",
    ),
    path("today/", sessions.TodayPlanApi.as_view(), name="api-today"),
    path(
        "today/completions/", sessions.CompletionCreateApi.as_view(), name="api-completion-create"
    ),
    path("today/finish/", sessions.SessionFinishApi.as_view(), name="api-session-finish"),
    path("progress/", progress.ProgressApi.as_view(), name="api-progress"),
    path("exercises/", library.ExerciseLibraryApi.as_view(), name="api-exercise-library"),
    path("patients/<int:patient_id>/plan/", plans.PlanDetailApi.as_view(), name="api-plan"),
    path(
        "patients/<int:patient_id>/plan/assign/",
        plans.PlanAssignApi.as_view(),
        name="api-plan-assign",
    ),
    path("patients/<int:patient_id>/plan/swap/", plans.PlanSwapApi.as_view(), name="api-plan-swap"),
    path(
        "patients/<int:patient_id>/plan/fhir/",
        records.PlanFhirApi.as_view(),
        name="api-plan-fhir",
    ),
    path("me/export/fhir/", records.MyFhirExportApi.as_view(), name="api-my-export-fhir"),
    path(
        "patients/<int:patient_id>/plan/versions/",
        plans.PlanVersionListApi.as_view(),
        name="api-plan-versions",
    ),
    path("messages/threads/", messaging.ThreadListApi.as_view(), name="api-thread-list"),
    path(
        "messages/threads/<int:patient_id>/",
        messaging.ThreadDetailApi.as_view(),
        name="api-thread-detail",
    ),
    path(
        "messages/threads/<int:patient_id>/messages/",
        messaging.MessagePostApi.as_view(),
        name="api-message-post",
    ),
    path("visits/", visits.VisitListApi.as_view(), name="api-visit-list"),
    path("visits/slots/", visits.VisitSlotListApi.as_view(), name="api-visit-slots"),
    path("visits/availability/", visits.AvailabilityApi.as_view(), name="api-availability"),
    path("visits/<int:visit_id>/", visits.VisitDetailApi.as_view(), name="api-visit-detail"),
    path("visits/<int:visit_id>/cancel/", visits.VisitCancelApi.as_view(), name="api-visit-cancel"),
    path(
        "visits/<int:visit_id>/reschedule/",
        visits.VisitRescheduleApi.as_view(),
        name="api-visit-reschedule",
    ),
    path(
        "reminders/settings/",
        reminders.ReminderSettingsApi.as_view(),
        name="api-reminder-settings",
    ),
    path("reminders/log/", reminders.ReminderLogApi.as_view(), name="api-reminder-log"),
    path(
        "reminders/push-subscriptions/",
        push.PushSubscriptionListApi.as_view(),
        name="api-push-subscriptions",
    ),
    path(
        "reminders/push-subscriptions/<int:subscription_id>/",
        push.PushSubscriptionDetailApi.as_view(),
        name="api-push-subscription",
    ),
    path("caseload/", caseload.CaseloadApi.as_view(), name="api-caseload"),
    path(
        "patients/<int:patient_id>/alerts/",
        alerts.PatientAlertListApi.as_view(),
        name="api-patient-alerts",
    ),
    path(
        "alerts/<int:alert_id>/acknowledge/",
        alerts.AlertAcknowledgeApi.as_view(),
        name="api-alert-acknowledge",
    ),
    path(
        "patients/<int:patient_id>/outcomes/",
        outcomes.PatientOutcomeListApi.as_view(),
        name="api-patient-outcomes",
    ),
    path("outcomes/", outcomes.OutcomeRecordApi.as_view(), name="api-outcome-record"),
    path(
        "patients/<int:patient_id>/notes/",
        notes.PatientNoteListApi.as_view(),
        name="api-patient-notes",
    ),
    path("notes/<int:note_id>/", notes.NoteDetailApi.as_view(), name="api-note"),
    path("notes/<int:note_id>/sign/", notes.NoteSignApi.as_view(), name="api-note-sign"),
    path(
        "notes/<int:note_id>/addenda/",
        notes.NoteAddendumApi.as_view(),
        name="api-note-addenda",
    ),
    path("triage/", triage.TriageApi.as_view(), name="api-triage"),
    path(
        "triage/<int:patient_id>/assign/",
        triage.TriageAssignApi.as_view(),
        name="api-triage-assign",
    ),
    path(
        "patients/<int:patient_id>/intake/",
        intake.PatientIntakeApi.as_view(),
        name="api-patient-intake",
    ),
    path(
        "patients/<int:patient_id>/intake/clear/",
        intake.IntakeClearApi.as_view(),
        name="api-intake-clear",
    ),
]
