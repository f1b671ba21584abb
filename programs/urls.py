from django.urls import path

from programs.views import plans, today

app_name = "programs"

urlpatterns = [
    path("today/", today.today, name="today"),
    path("today/done/<int:exercise_id>/", today.completion_create, name="completion-create"),
    path("today/finish/", today.session_finish_view, name="session-finish"),
    path("progress/", today.progress, name="progress"),
    path("learn/", today.article_list, name="article-list"),
    path("learn/<slug:slug>/", today.article_detail, name="article"),
    path("patients/<int:patient_id>/plan/", plans.plan_edit, name="plan-edit"),
    path("patients/<int:patient_id>/plan/assign/", plans.plan_assign, name="plan-assign"),
    path("patients/<int:patient_id>/plan/versions/", plans.plan_versions, name="plan-versions"),
]
