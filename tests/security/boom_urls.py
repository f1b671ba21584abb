"""The project's routes plus one that fails after reading a patient: the forced 500."""

from django.http import HttpRequest, HttpResponse
from django.urls import path

from accounts.selectors import patient_get_for_user
from therapy.urls import handler400, handler404, handler500
from therapy.urls import urlpatterns as project_urlpatterns

__all__ = ["handler400", "handler404", "handler500", "urlpatterns"]


def boom(request: HttpRequest, patient_id: int) -> HttpResponse:
    patient = patient_get_for_user(user=request.user, patient_id=patient_id)
    phone = patient.patient_profile.phone  # noqa: F841 - a local holding health data
    raise RuntimeError("forced failure for the leak test")


urlpatterns = [*project_urlpatterns, path("boom/<int:patient_id>/", boom)]
