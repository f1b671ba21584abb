"""The project's routes plus the benchmarks' floor views, mounted only while benchmarking."""

from django.urls import include, path

from bench import floors

urlpatterns = [
    path("bench/", include(floors.urlpatterns)),
    path("", include("therapy.urls")),
]
