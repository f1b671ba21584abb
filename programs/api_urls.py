from django.urls import path  # noqa: F401 - API routes of the therapy itself are added here

urlpatterns: list = []
