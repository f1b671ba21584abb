from django.urls import path

from accounts.views import employer as views

app_name = "employer"

urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path("imports/", views.imports, name="imports"),
    path("imports/<int:import_id>/", views.import_detail, name="import-detail"),
    path("imports/<int:import_id>/decide/", views.import_decide, name="import-decide"),
    path(
        "imports/<int:import_id>/rejected-rows.csv",
        views.import_rejections_csv,
        name="import-rejections",
    ),
    path("roster/", views.roster, name="roster"),
    path("roster/<int:entry_id>/", views.roster_entry, name="roster-entry"),
]
