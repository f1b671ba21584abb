from django.urls import path

from programs.apis import reminders

urlpatterns: list = [
    path(
        "reminders/settings/",
        reminders.ReminderSettingsApi.as_view(),
        name="api-reminder-settings",
    ),
    path("reminders/log/", reminders.ReminderLogApi.as_view(), name="api-reminder-log"),
]
