"""What a locked-out person sees (django-axes calls this; see AXES_LOCKOUT_CALLABLE)."""

from django.conf import settings
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render

LOCKED_MESSAGE = (
    "Too many wrong passwords were tried for this account, so it is locked for {minutes} "
    "minutes. Try again later, reset your password, or ask support to unlock it."
)


def lockout_response(
    request: HttpRequest, original_response: HttpResponse | None = None, credentials: object = None
) -> HttpResponse:
    minutes = int(settings.AXES_COOLOFF_TIME.total_seconds() // 60)
    if request.path.startswith("/api/"):
        return JsonResponse(
            {"detail": LOCKED_MESSAGE.format(minutes=minutes), "errors": {}}, status=429
        )
    return render(
        request,
        "accounts/locked_out.html",
        {"cooloff_timedelta": settings.AXES_COOLOFF_TIME, "cooloff_minutes": minutes},
        status=429,
    )


def lockout_username(request: HttpRequest, credentials: dict | None = None) -> str | None:
    """The account a login attempt names, case-folded so `A@x` and `a@x` share one count.
    Both the login page and the token API pass it to authenticate() as `username`."""
    value = (credentials or {}).get("username") or request.POST.get("username") or ""
    return str(value).strip().lower() or None
