"""One error shape for the whole API: {"detail": "...", "errors": {field: [messages]}}.

Service errors (`therapy.errors.ApplicationError` and its subclasses) are mapped here, once.
"""

from typing import Any

from django.core.exceptions import ValidationError as DjangoValidationError
from rest_framework import exceptions, serializers
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler

from therapy.errors import ApplicationError, RateLimitedError


# The error shape, for the schema docs (`responses={400: ErrorSerializer}`). A comment, not a
# docstring: drf-spectacular would publish a docstring as the component's description.
class ErrorSerializer(serializers.Serializer):
    detail = serializers.CharField()
    # The metaclass moves declared fields off the class, so `Serializer.errors` still works at
    # run time; only the stubs see this field shadow the property.
    errors = serializers.DictField(  # type: ignore[assignment]  # a field named "errors", see above
        child=serializers.ListField(child=serializers.CharField())
    )


class RateLimitedSerializer(ErrorSerializer):
    retry_after = serializers.IntegerField(help_text="Seconds to wait before trying again.")


def exception_handler(exc: Exception, context: dict[str, Any]) -> Response | None:
    if isinstance(exc, DjangoValidationError):
        exc = exceptions.ValidationError(
            exc.message_dict if hasattr(exc, "error_dict") else {"non_field_errors": exc.messages}
        )
    if isinstance(exc, ApplicationError):
        answer = Response({"detail": exc.message, "errors": exc.errors}, status=exc.status)
        if isinstance(exc, RateLimitedError):
            answer["Retry-After"] = str(exc.retry_after)
            answer.data["retry_after"] = exc.retry_after
        return answer
    response = drf_exception_handler(exc, context)
    if response is None:
        return None
    if isinstance(exc, exceptions.ValidationError):
        errors: dict[str, list[str]] = {}
        _flatten_errors(
            "" if isinstance(response.data, dict) else "non_field_errors", response.data, errors
        )
        response.data = {"detail": "Some fields are not valid.", "errors": errors}
    elif isinstance(response.data, dict):
        response.data.setdefault("errors", {})
    return response


def _flatten_errors(name: str, value: object, into: dict[str, list[str]]) -> None:
    """Nested serializer and list errors as dotted names (`windows.0.weekday`), so that every
    error answer has the one declared shape: {field: [messages]}."""
    if isinstance(value, dict):
        for key, inner in value.items():
            _flatten_errors(f"{name}.{key}" if name else str(key), inner, into)
    elif isinstance(value, list | tuple):
        for position, inner in enumerate(value):
            if isinstance(inner, str):
                into.setdefault(name or "non_field_errors", []).append(str(inner))
            elif inner:
                _flatten_errors(f"{name}.{position}" if name else str(position), inner, into)
    else:
        into.setdefault(name or "non_field_errors", []).append(str(value))
