from django.urls import path

from accounts.views import eligibility as views

app_name = "eligibility"

urlpatterns = [
    path("", views.check, name="check"),
    path("enrol/<str:token>/", views.enrol, name="enrol"),
    path("intake/", views.intake, name="intake"),
    path("reviews/", views.review_queue, name="reviews"),
    path("reviews/<int:review_id>/decide/", views.review_decide, name="review-decide"),
]
