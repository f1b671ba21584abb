from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.core.exceptions import RequestDataTooBig, TooManyFieldsSent
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render

from therapy.permissions import require_role


def home(request: HttpRequest) -> HttpResponse:
    """Signed-in patients and PTs land where their day starts: Today, the caseload."""
    if request.user.is_authenticated and request.user.is_patient:
        return redirect("programs:today")
    if request.user.is_authenticated and request.user.is_therapist:
        return redirect("caseload")
    return render(request, "home.html")


@login_required
def more(request: HttpRequest) -> HttpResponse:
    """The "More" tab: every page of the person's role that the tab bar has no room for."""
    return render(request, "more.html")


@login_required
def components(request: HttpRequest) -> HttpResponse:
    """The design system's components on one page, for the people who build the product."""
    require_role(request, "staff")
    return render(request, "components.html")


def not_found(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    """404 for a URL no route matches: JSON in the API's error shape under /api/, else a page."""
    if request.path.startswith("/api/"):
        return JsonResponse({"detail": "Not found.", "errors": {}}, status=404)
    return render(request, "404.html", status=404)


def bad_request(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    """400 raised before any view ran: a body over the size limit, a malformed request."""
    if isinstance(exception, RequestDataTooBig):
        detail = (
            f"The request is too large: the limit is {settings.DATA_UPLOAD_MAX_MEMORY_SIZE} bytes."
        )
    elif isinstance(exception, TooManyFieldsSent):
        detail = "The request has too many fields."
    else:
        detail = "The request could not be read."
    if request.path.startswith("/api/"):
        return JsonResponse({"detail": detail, "errors": {}}, status=400)
    return render(request, "400.html", {"detail": detail}, status=400)


def server_error(request: HttpRequest) -> HttpResponse:
    """500: never the exception, never a request's data. The request id helps support find it."""
    request_id = getattr(request, "request_id", "")
    if request.path.startswith("/api/"):
        return JsonResponse(
            {"detail": f"Something went wrong on our side (request {request_id}).", "errors": {}},
            status=500,
        )
    return render(request, "500.html", {"request_id": request_id}, status=500)
