from django.contrib import admin
from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView

from programs.views import caseload as caseload_views
from therapy import health, offline, views
from therapy.permissions import SchemaAccess

api_v1 = [
    path("", include("accounts.api_urls")),
    path("", include("programs.api_urls")),
]

urlpatterns = [
    path("", views.home, name="home"),
    path("healthz", health.healthz, name="healthz"),
    path("sw.js", offline.service_worker, name="service-worker"),
    path("more/", views.more, name="more"),
    path("components/", views.components, name="components"),
    path("", include("accounts.urls")),
    path("caseload/", caseload_views.caseload, name="caseload"),
    path("", include("programs.urls")),
    path("admin/", admin.site.urls),
    path("api/v1/", include(api_v1)),
    path(
        "api/schema/",
        SpectacularAPIView.as_view(permission_classes=[SchemaAccess]),
        name="api-schema",
    ),
    path(
        "api/docs/",
        SpectacularSwaggerSplitView.as_view(
            url_name="api-schema", permission_classes=[SchemaAccess]
        ),
        name="api-docs",
    ),
]

handler400 = "therapy.views.bad_request"
handler404 = "therapy.views.not_found"
handler500 = "therapy.views.server_error"
