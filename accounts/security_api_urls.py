from django.urls import path

from accounts import security_apis as apis

urlpatterns = [
    path("audit/events/", apis.AuditEventListApi.as_view(), name="api-audit-events"),
    path("me/access-log/", apis.MyAccessLogApi.as_view(), name="api-my-access-log"),
    path("me/export/", apis.MyDataExportApi.as_view(), name="api-my-export"),
]
