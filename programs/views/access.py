"""Shared by the therapy's pages: who may open them (anyone else gets 404), and binding forms."""

from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest

from accounts.models import User
from therapy.errors import ApplicationError


def patient_only(request: HttpRequest) -> User:
    user: User = request.user  # type: ignore[assignment]
    if not user.is_patient:
        raise Http404("This page is for patients.")
    return user


def therapist_only(request: HttpRequest) -> User:
    user: User = request.user  # type: ignore[assignment]
    if not user.is_therapist:
        raise Http404("This page is for physical therapists.")
    return user


def posted(request: HttpRequest) -> object | None:
    """The POST data when the form was sent, even empty (every ODI section skipped)."""
    return request.POST if request.method == "POST" else None


def add_errors(form: object, exc: ApplicationError | ValidationError) -> None:
    if isinstance(exc, ApplicationError):
        for name, errors in exc.errors.items():
            for error in errors:
                form.add_error(name if name in form.fields else None, error)  # type: ignore[attr-defined]
        form.add_error(None, exc.message)  # type: ignore[attr-defined]
    else:
        form.add_error(None, exc)  # type: ignore[attr-defined]
