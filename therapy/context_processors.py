from django.conf import settings
from django.http import HttpRequest


def site(request: HttpRequest) -> dict[str, str]:
    return {"SITE_NAME": settings.SITE_NAME}


def viewer(request: HttpRequest) -> dict[str, str]:
    """The viewer's time zone, for the `when` filter (therapy.when). A view may override it."""
    from therapy.when import viewer_time_zone

    return {"viewer_zone": viewer_time_zone(getattr(request, "user", None))}
