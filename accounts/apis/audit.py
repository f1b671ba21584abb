"""API for the audit trail: the staff search and a patient's access log. Others get 404."""

from datetime import UTC, datetime, time, timedelta
from typing import Any

from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.pagination import PageNumberPagination
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.models import AuditEvent, User
from accounts.selectors.audit import (
    EVENT_COLUMNS,
    audit_access_log_for_patient,
    audit_event_search,
)
from therapy.api_errors import ErrorSerializer
from therapy.http import AuthenticatedRequest
from therapy.permissions import RoleOr404


class AuditEventOutput(serializers.ModelSerializer):
    actor_email = serializers.SerializerMethodField()

    class Meta:
        model = AuditEvent
        fields = EVENT_COLUMNS

    def get_actor_email(self, event: AuditEvent) -> str:
        return event.actor.email if event.actor_id and event.actor else ""


class AuditEventPageOutput(serializers.Serializer):
    count = serializers.IntegerField()
    next = serializers.URLField(allow_null=True)
    previous = serializers.URLField(allow_null=True)
    results = AuditEventOutput(many=True)


class AccessLogEntryOutput(serializers.Serializer):
    at = serializers.DateTimeField()
    who = serializers.CharField()
    role = serializers.CharField()
    action = serializers.CharField()
    object_type = serializers.CharField()


class AuditEventListApi(APIView):
    """Staff only. Everyone else gets 404, as for anything outside their reach."""

    permission_classes = [RoleOr404(User.Role.STAFF)]

    class AuditFilterInput(serializers.Serializer):
        actor_email = serializers.EmailField(required=False)
        patient_id = serializers.IntegerField(required=False, min_value=1)
        action = serializers.ChoiceField(choices=AuditEvent.Action.choices, required=False)
        since = serializers.DateField(required=False)
        until = serializers.DateField(required=False)
        page = serializers.IntegerField(required=False, min_value=1)

        def to_internal_value(self, data: Any) -> dict:
            # "?until=" is not a date: refuse it rather than read it as "no filter".
            empty = {k: ["This field may not be blank."] for k, v in data.items() if v == ""}
            if empty:
                raise serializers.ValidationError(empty)
            return super().to_internal_value(data)

    @extend_schema(
        parameters=[AuditFilterInput],
        responses={200: AuditEventPageOutput, 400: ErrorSerializer, 404: ErrorSerializer},
        summary="Search the audit trail (staff)",
    )
    def get(self, request: Request) -> Response:
        data = self.AuditFilterInput(data=request.query_params)
        data.is_valid(raise_exception=True)
        filters = data.validated_data
        since, until = filters.get("since"), filters.get("until")
        events = audit_event_search(
            actor_email=filters.get("actor_email", ""),
            patient_id=filters.get("patient_id"),
            action=filters.get("action", ""),
            since=datetime.combine(since, time.min, tzinfo=UTC) if since else None,
            until=datetime.combine(until + timedelta(days=1), time.min, tzinfo=UTC)
            if until
            else None,
        )
        paginator = PageNumberPagination()
        page = paginator.paginate_queryset(events, request, view=self)
        return paginator.get_paginated_response(AuditEventOutput(page, many=True).data)


class MyAccessLogApi(APIView):
    permission_classes = [RoleOr404(User.Role.PATIENT)]

    @extend_schema(
        responses={200: AccessLogEntryOutput(many=True), 404: ErrorSerializer},
        summary="Who read or changed my record (patients)",
    )
    def get(self, request: AuthenticatedRequest) -> Response:
        events = audit_access_log_for_patient(patient=request.user)[:500]
        return Response(
            [
                {
                    "at": e.at,
                    "who": e.actor.get_full_name() if e.actor else "",
                    "role": e.actor_role,
                    "action": e.action,
                    "object_type": e.object_type,
                }
                for e in events
            ]
        )
