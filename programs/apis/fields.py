"""Serializer fields the programs API shares."""

from typing import Any

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers


@extend_schema_field(
    {"type": "string", "pattern": r"^([01]\d|2[0-3]):[0-5]\d$", "example": "08:00"}
)
class HourMinuteField(serializers.TimeField):
    """A local wall-clock time as "HH:MM". OpenAPI's `time` format would promise seconds and an
    offset, which these times do not have."""

    def __init__(self, **kwargs: Any) -> None:  # TimeField's own keyword arguments
        kwargs.setdefault("format", "%H:%M")
        kwargs.setdefault("input_formats", ["%H:%M"])
        super().__init__(**kwargs)
