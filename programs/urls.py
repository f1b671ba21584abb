from django.urls import path  # noqa: F401 - pages of the therapy itself are added here

app_name = "programs"

urlpatterns: list = []
