from django.urls import path

from programs.apis import messaging, visits

urlpatterns = [
    path("messages/threads/", messaging.ThreadListApi.as_view(), name="api-thread-list"),
    path(
        "messages/threads/<int:patient_id>/",
        messaging.ThreadDetailApi.as_view(),
        name="api-thread-detail",
    ),
    path(
        "messages/threads/<int:patient_id>/messages/",
        messaging.MessagePostApi.as_view(),
        name="api-message-post",
    ),
    path("visits/", visits.VisitListApi.as_view(), name="api-visit-list"),
    path("visits/slots/", visits.VisitSlotListApi.as_view(), name="api-visit-slots"),
    path("visits/availability/", visits.AvailabilityApi.as_view(), name="api-availability"),
    path("visits/<int:visit_id>/", visits.VisitDetailApi.as_view(), name="api-visit-detail"),
    path("visits/<int:visit_id>/cancel/", visits.VisitCancelApi.as_view(), name="api-visit-cancel"),
    path(
        "visits/<int:visit_id>/reschedule/",
        visits.VisitRescheduleApi.as_view(),
        name="api-visit-reschedule",
    ),
]
