"""Request types for views that require a signed-in user, so that `request.user` is a `User`
to the type checker without a `type: ignore` on every view (Healthchecks' `hc/accounts/http.py`
does the same)."""

from typing import TYPE_CHECKING

from django.http import HttpRequest
from rest_framework.request import Request

if TYPE_CHECKING:
    from django_htmx.middleware import HtmxDetails

    from accounts.models import User


class AuthenticatedHttpRequest(HttpRequest):
    """An `HttpRequest` behind `login_required` (or `require_role`)."""

    user: "User"


class AuthenticatedRequest(Request):
    """A DRF `Request` behind `IsAuthenticated` (or `RoleOr404`)."""

    user: "User"


class AuthenticatedHtmxRequest(AuthenticatedHttpRequest):
    """A page behind login that also answers htmx (django-htmx's middleware sets `htmx`)."""

    htmx: "HtmxDetails"
