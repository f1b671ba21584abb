"""API of the care-team thread: list threads, read one (marks it read), post a message."""

from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.models import User
from accounts.services.audit import Action, audit_read, audit_record
from programs.models import MESSAGE_MAX_LENGTH
from programs.selectors import messaging as selectors
from programs.services import messaging as services
from therapy.api_errors import ErrorSerializer
from therapy.http import AuthenticatedRequest
from therapy.permissions import RoleOr404

# Patients and PTs; anyone else signed in gets 404, as if there were nothing here.
MessagingRoles = RoleOr404(User.Role.PATIENT, User.Role.THERAPIST)


class MessageOutput(serializers.Serializer):
    id = serializers.IntegerField()
    sender_id = serializers.IntegerField()
    sender_name = serializers.CharField(source="sender.get_full_name")
    body = serializers.CharField()
    created_at = serializers.DateTimeField()


class ThreadSummaryOutput(serializers.Serializer):
    patient_id = serializers.IntegerField(source="id")
    patient_name = serializers.CharField(source="get_full_name")
    unread_count = serializers.IntegerField()
    last_message_at = serializers.DateTimeField()


class ThreadDetailOutput(serializers.Serializer):
    patient_id = serializers.IntegerField()
    messages = MessageOutput(many=True)


class ThreadListApi(APIView):
    permission_classes = [MessagingRoles]

    @extend_schema(
        responses={200: ThreadSummaryOutput(many=True), 404: ErrorSerializer},
        summary="Message threads you take part in, with unread counts",
    )
    def get(self, request: AuthenticatedRequest) -> Response:
        threads = selectors.thread_list_for_user(user=request.user)[:200]
        return Response(ThreadSummaryOutput(threads, many=True).data)


class ThreadDetailApi(APIView):
    permission_classes = [MessagingRoles]

    @extend_schema(
        responses={200: ThreadDetailOutput, 404: ErrorSerializer},
        summary="Read a patient's thread; marks it read for you",
    )
    def get(self, request: AuthenticatedRequest, patient_id: int) -> Response:
        patient = selectors.thread_get_for_user(user=request.user, patient_id=patient_id)
        messages = list(selectors.thread_messages(patient=patient))
        services.thread_mark_read(user=request.user, patient=patient)
        audit_read(request, patient_id=patient.pk, obj=patient)
        return Response(ThreadDetailOutput({"patient_id": patient.pk, "messages": messages}).data)


class MessagePostApi(APIView):
    permission_classes = [MessagingRoles]

    class MessagePostInput(serializers.Serializer):
        body = serializers.CharField(
            max_length=MESSAGE_MAX_LENGTH,
            error_messages={
                "blank": "Write a message before sending it.",
                "required": "Write a message before sending it.",
                "max_length": f"Messages can be at most {MESSAGE_MAX_LENGTH} characters.",
            },
        )

    @extend_schema(
        request=MessagePostInput,
        responses={201: MessageOutput, 400: ErrorSerializer, 404: ErrorSerializer},
        summary="Post a message to a patient's thread",
    )
    def post(self, request: AuthenticatedRequest, patient_id: int) -> Response:
        patient = selectors.thread_get_for_user(user=request.user, patient_id=patient_id)
        data = self.MessagePostInput(data=request.data)
        data.is_valid(raise_exception=True)
        message = services.message_post(
            sender=request.user, patient=patient, body=data.validated_data["body"]
        )
        audit_record(
            request_or_actor=request, patient_id=patient.pk, action=Action.CREATE, obj=message
        )
        return Response(MessageOutput(message).data, status=status.HTTP_201_CREATED)
