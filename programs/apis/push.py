"""Web Push devices for reminders: a browser registers its PushSubscription, the patient lists
and removes theirs. A device of another patient is 404."""

from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.models import User
from accounts.services.audit import Action, audit_read, audit_record
from programs.selectors.push import push_subscription_get_for_user, push_subscriptions_for_user
from programs.services.push import push_subscribe, push_unsubscribe
from therapy.api_errors import ErrorSerializer
from therapy.http import AuthenticatedRequest
from therapy.permissions import RoleOr404

PatientRole = RoleOr404(User.Role.PATIENT)


class PushDeviceOutput(serializers.Serializer):
    id = serializers.IntegerField()
    device_label = serializers.CharField()
    created_at = serializers.DateTimeField()
    last_success_at = serializers.DateTimeField(allow_null=True)


class PushSubscriptionListApi(APIView):
    permission_classes = [PatientRole]

    class KeysInput(serializers.Serializer):
        p256dh = serializers.RegexField(r"^[A-Za-z0-9_-]{80,100}={0,2}$")
        auth = serializers.RegexField(r"^[A-Za-z0-9_-]{16,30}={0,2}$")

    class PushSubscriptionInput(serializers.Serializer):
        """The JSON a browser's `PushSubscription.toJSON()` gives, plus an optional label."""

        endpoint = serializers.URLField(max_length=1000)
        keys = serializers.DictField(child=serializers.CharField(max_length=200))
        device_label = serializers.CharField(max_length=100, required=False, default="")

    @extend_schema(
        responses={200: PushDeviceOutput(many=True), 403: ErrorSerializer, 404: ErrorSerializer},
        summary="Your devices that get reminder notifications",
    )
    def get(self, request: AuthenticatedRequest) -> Response:
        devices = list(push_subscriptions_for_user(user=request.user))
        audit_read(request, patient_id=request.user.pk, obj=request.user)
        return Response(PushDeviceOutput(devices, many=True).data)

    @extend_schema(
        request=PushSubscriptionInput,
        responses={
            201: PushDeviceOutput,
            400: ErrorSerializer,
            403: ErrorSerializer,
            404: ErrorSerializer,
        },
        summary="Get reminder notifications on this browser",
    )
    def post(self, request: AuthenticatedRequest) -> Response:
        data = self.PushSubscriptionInput(data=request.data)
        data.is_valid(raise_exception=True)
        keys = self.KeysInput(data=data.validated_data["keys"])
        keys.is_valid(raise_exception=True)
        subscription = push_subscribe(
            patient=request.user,
            endpoint=data.validated_data["endpoint"],
            p256dh=keys.validated_data["p256dh"],
            auth=keys.validated_data["auth"],
            device_label=data.validated_data["device_label"],
        )
        audit_record(
            request_or_actor=request,
            patient_id=request.user.pk,
            action=Action.CREATE,
            obj=subscription,
        )
        return Response(PushDeviceOutput(subscription).data, status=status.HTTP_201_CREATED)


class PushSubscriptionDetailApi(APIView):
    permission_classes = [PatientRole]

    @extend_schema(
        request=None,
        responses={204: None, 403: ErrorSerializer, 404: ErrorSerializer},
        summary="Stop reminder notifications on one of your devices",
    )
    def delete(self, request: AuthenticatedRequest, subscription_id: int) -> Response:
        subscription = push_subscription_get_for_user(
            user=request.user, subscription_id=subscription_id
        )
        audit_record(
            request_or_actor=request,
            patient_id=request.user.pk,
            action=Action.DELETE,
            obj=subscription,
        )
        push_unsubscribe(subscription=subscription)
        return Response(status=status.HTTP_204_NO_CONTENT)
