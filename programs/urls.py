from django.urls import path

from programs.views import messaging, visits

app_name = "programs"

urlpatterns = [
    path("messages/", messaging.messages_home, name="messages"),
    path("messages/<int:patient_id>/", messaging.thread, name="thread"),
    path("visits/", visits.visits_home, name="visits"),
    path("visits/book/", visits.visit_book, name="visit-book"),
    path("visits/<int:visit_id>/cancel/", visits.visit_cancel, name="visit-cancel"),
    path("visits/<int:visit_id>/reschedule/", visits.visit_reschedule, name="visit-reschedule"),
    path("visits/<int:visit_id>/complete/", visits.visit_complete, name="visit-complete"),
    path("visits/availability/length/", visits.availability_length, name="availability-length"),
    path("visits/availability/windows/", visits.availability_window_add, name="availability-add"),
    path(
        "visits/availability/windows/<int:index>/remove/",
        visits.availability_window_remove,
        name="availability-remove",
    ),
]
