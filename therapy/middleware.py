"""Cross-cutting request plumbing: request ids, idle session expiry, the MFA gate."""

import re
import time
import uuid
from collections.abc import Callable

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.http import urlencode

_REQUEST_ID = re.compile(r"^[A-Za-z0-9._-]{8,64}$")
LAST_SEEN_SESSION_KEY = "last_seen"


class RequestIdMiddleware:
    """Give every request our own id (X-Request-ID): in the response, in audit rows, in logs.

    The id is always made here: a client-chosen one would land in the audit trail and could
    forge or collide with another request's rows. A well-formed incoming id (a proxy's or a
    client's) is echoed back separately as X-Client-Request-ID so callers can still match
    their logs to ours.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        incoming = request.headers.get("X-Request-ID", "")
        # Always our own id: a client-chosen one would land in audit rows (issue 13). Readers
        # use getattr(request, "request_id", "") because a request made outside this
        # middleware (tests, a DRF Request) has none.
        request_id = uuid.uuid4().hex
        request.request_id = request_id  # type: ignore[attr-defined]  # see the comment above
        response = self.get_response(request)
        response["X-Request-ID"] = request_id
        if _REQUEST_ID.match(incoming):
            response["X-Client-Request-ID"] = incoming
        return response


class NulByteMiddleware:
    """A NUL byte in the query string answers 400. PostgreSQL refuses NUL in text, so a search
    for one ended in a 500 (issue 13); no real search term contains one."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if any("\x00" in k or "\x00" in v for k, vs in request.GET.lists() for v in vs):
            message = "The request holds a NUL character, which no field accepts."
            if request.path.startswith("/api/"):
                return JsonResponse({"detail": message, "errors": {}}, status=400)
            return HttpResponse(message, status=400, content_type="text/plain; charset=utf-8")
        return self.get_response(request)


def idle_timeout_seconds(user: object) -> int:
    minutes = (
        settings.SESSION_IDLE_MINUTES_PATIENT
        if getattr(user, "is_patient", False)
        else settings.SESSION_IDLE_MINUTES_STAFF_ROLES
    )
    return minutes * 60


class SessionIdleTimeoutMiddleware:
    """End a signed-in session after a quiet spell: 15 minutes for staff roles, 60 for patients.

    The last-seen time is written at most every 30 seconds, so most requests do not save the
    session.
    """

    WRITE_EVERY = 30

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = request.user
        if user.is_authenticated and hasattr(request, "session"):
            now = int(time.time())
            last_seen = request.session.get(LAST_SEEN_SESSION_KEY)
            if last_seen is not None and now - int(last_seen) > idle_timeout_seconds(user):
                logout(request)
                if not request.path.startswith("/api/"):
                    messages.info(request, "You were logged out after a period of inactivity.")
            elif last_seen is None or now - int(last_seen) >= self.WRITE_EVERY:
                request.session[LAST_SEEN_SESSION_KEY] = now
        return self.get_response(request)


class MfaRequiredMiddleware:
    """Send people who must use a second factor to set it up or enter a code, before anything.

    Applies to the roles in settings.MFA_REQUIRED_ROLES and to anyone (a patient) who chose to
    add an authenticator. Until verified they reach only the MFA pages, logout, static files
    and the health check; the API answers 403 with a message.
    """

    ALLOWED_PREFIXES = ("/static/", "/healthz")

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        from accounts.selectors.security import mfa_required_for, user_has_confirmed_device

        user = request.user
        # django-otp's middleware adds is_verified() to the user object at run time.
        if not user.is_authenticated or user.is_verified() or not mfa_required_for(user):
            return self.get_response(request)
        allowed = {
            reverse("security:mfa-setup"),
            reverse("security:mfa-verify"),
            reverse("accounts:logout"),
        }
        if request.path in allowed or request.path.startswith(self.ALLOWED_PREFIXES):
            return self.get_response(request)
        if request.path.startswith("/api/"):
            return JsonResponse(
                {
                    "detail": "Multi-factor verification is required. Log in again with your code.",
                    "errors": {},
                },
                status=403,
            )
        target = "security:mfa-verify" if user_has_confirmed_device(user) else "security:mfa-setup"
        return redirect(f"{reverse(target)}?{urlencode({'next': request.get_full_path()})}")
