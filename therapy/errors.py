"""The one error type services raise, and the one way a page shows it.

A service says no by raising `ApplicationError` (or a subclass carrying its HTTP status). The
API maps it once, in `therapy.api_errors.exception_handler`; a page puts it on its form with
`form_add_error`. Nothing else catches service errors by hand.
"""

from typing import Any

from django import forms
from django.core.exceptions import ValidationError


class ApplicationError(Exception):
    """A business rule said no. `errors` names the fields at fault; `status` is the HTTP answer."""

    status: int = 400

    def __init__(
        self,
        message: str,
        *,
        errors: dict[str, list[str]] | None = None,
        status: int | None = None,
    ) -> None:
        super().__init__(message)
        self.message = message
        self.errors = errors or {}
        if status is not None:
            self.status = status

    @classmethod
    def from_validation(
        cls, exc: ValidationError, message: str | None = None
    ) -> "ApplicationError":
        """A model's `full_clean()` refusal, as the service error with the same field messages."""
        if hasattr(exc, "error_dict"):
            errors = {
                ("non_field_errors" if name == "__all__" else name): [str(m) for m in msgs]
                for name, msgs in exc.message_dict.items()
            }
        else:
            errors = {"non_field_errors": [str(m) for m in exc.messages]}
        first = next(iter(errors.values()), ["Some fields are not valid."])[0]
        return cls(message or first, errors=errors)


class ConflictError(ApplicationError):
    """Someone changed the record first (a stale version): 409."""

    status = 409

    def __init__(self, message: str, *, current: Any = None, **kwargs: Any) -> None:
        super().__init__(message, **kwargs)
        self.current = current


class RateLimitedError(ApplicationError):
    """Too many attempts: 429 with Retry-After."""

    status = 429

    def __init__(self, message: str, *, retry_after: int, **kwargs: Any) -> None:
        super().__init__(message, **kwargs)
        self.retry_after = retry_after


def form_add_error(form: forms.BaseForm, exc: ApplicationError) -> None:
    """Put a service's refusal on the form: each named field's messages beside the field (or at
    the top when the form has no such field), then the overall message at the top."""
    for name, messages in exc.errors.items():
        field = name if name in form.fields else None
        for message in messages:
            if field is None and message == exc.message:
                continue
            form.add_error(field, message)
    form.add_error(None, exc.message)
