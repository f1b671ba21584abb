from django.urls import path

from programs.views import (
    alerts,
    intake,
    library,
    messaging,
    notes,
    outcomes,
    plans,
    progress,
    progression,
    push,
    reminders,
    sessions,
    triage,
    visits,
)

app_name = "programs"

urlpatterns = [
    # The path predates the move of the intake from accounts (it was eligibility:intake).
    path("eligibility/intake/", intake.intake, name="intake"),
    path("messages/", messaging.messages_home, name="messages"),
    path("messages/<int:patient_id>/", messaging.thread, name="thread"),
    path("visits/", visits.visits_home, name="visits"),
    path("visits/book/", visits.visit_book, name="visit-book"),
    path("visits/<int:visit_id>/join/", visits.visit_join, name="visit-join"),
    path("visits/<int:visit_id>/cancel/", visits.visit_cancel, name="visit-cancel"),
    path("visits/<int:visit_id>/reschedule/", visits.visit_reschedule, name="visit-reschedule"),
    path("visits/<int:visit_id>/complete/", visits.visit_complete, name="visit-complete"),
    path("visits/availability/length/", visits.availability_length, name="availability-length"),
    path("visits/availability/windows/", visits.availability_window_add, name="availability-add"),
    path(
        "visits/availability/windows/<int:index>/remove/",
        visits.availability_window_remove,
        name="availability-remove",
    ),
    path("today/", sessions.today, name="today"),
    path("today/done/<int:exercise_id>/", sessions.completion_create, name="completion-create"),
    path("today/finish/", sessions.session_finish_view, name="session-finish"),
    path("progress/", progress.progress, name="progress"),
    path("learn/", library.article_list, name="article-list"),
    path("learn/<slug:slug>/", library.article_detail, name="article"),
    path("patients/<int:patient_id>/plan/", plans.plan_edit, name="plan-edit"),
    path("patients/<int:patient_id>/plan/assign/", plans.plan_assign, name="plan-assign"),
    path("patients/<int:patient_id>/plan/versions/", plans.plan_versions, name="plan-versions"),
    path("reminders/", reminders.reminder_settings, name="reminders"),
    path("reminders/log/", reminders.reminder_log, name="reminders-log"),
    path(
        "reminders/devices/<int:subscription_id>/remove/",
        push.push_device_remove,
        name="push-device-remove",
    ),
    path(
        "reminders/unsubscribe/<str:token>/",
        reminders.reminder_unsubscribe,
        name="reminders-unsubscribe",
    ),
    path("progress/outcomes/", outcomes.my_outcomes, name="my-outcomes"),
    path("progress/outcomes/<slug:measure>/", outcomes.outcome_answer, name="outcome-answer"),
    path("notes/", notes.my_notes, name="my-notes"),
    path("notes/<int:note_id>/", notes.note_detail, name="note"),
    path("patients/<int:patient_id>/notes/new/", notes.note_start, name="note-start"),
    path(
        "patients/<int:patient_id>/outcomes/",
        outcomes.patient_outcomes,
        name="patient-outcomes",
    ),
    path(
        "progression/<int:suggestion_id>/accept/",
        progression.suggestion_accept_view,
        name="progression-accept",
    ),
    path(
        "progression/<int:suggestion_id>/decline/",
        progression.suggestion_decline_view,
        name="progression-decline",
    ),
    path(
        "progression/<int:suggestion_id>/edit/",
        progression.suggestion_edit_view,
        name="progression-edit",
    ),
    path(
        "patients/<int:patient_id>/progression/auto/",
        progression.progression_auto_view,
        name="progression-auto",
    ),
    path(
        "alerts/<int:alert_id>/acknowledge/",
        alerts.alert_acknowledge,
        name="alert-acknowledge",
    ),
    path("triage/", triage.triage, name="triage"),
    path("triage/<int:patient_id>/assign/", triage.triage_assign, name="triage-assign"),
    path("patients/<int:patient_id>/intake/clear/", intake.intake_clear_view, name="intake-clear"),
]
