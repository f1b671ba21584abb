from django.urls import path

from programs.apis import library, plans, today

urlpatterns = [
    path("today/", today.TodayPlanApi.as_view(), name="api-today"),
    path("today/completions/", today.CompletionCreateApi.as_view(), name="api-completion-create"),
    path("today/finish/", today.SessionFinishApi.as_view(), name="api-session-finish"),
    path("progress/", today.ProgressApi.as_view(), name="api-progress"),
    path("exercises/", library.ExerciseLibraryApi.as_view(), name="api-exercise-library"),
    path("patients/<int:patient_id>/plan/", plans.PlanDetailApi.as_view(), name="api-plan"),
    path(
        "patients/<int:patient_id>/plan/assign/",
        plans.PlanAssignApi.as_view(),
        name="api-plan-assign",
    ),
    path("patients/<int:patient_id>/plan/swap/", plans.PlanSwapApi.as_view(), name="api-plan-swap"),
    path(
        "patients/<int:patient_id>/plan/versions/",
        plans.PlanVersionListApi.as_view(),
        name="api-plan-versions",
    ),
]
