from django.urls import path

from programs.views import reminders

app_name = "programs"

urlpatterns: list = [
    path("reminders/", reminders.reminder_settings, name="reminders"),
    path("reminders/log/", reminders.reminder_log, name="reminders-log"),
    path(
        "reminders/unsubscribe/<str:token>/",
        reminders.reminder_unsubscribe,
        name="reminders-unsubscribe",
    ),
]
