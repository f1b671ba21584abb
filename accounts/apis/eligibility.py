from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers
from rest_framework.permissions import AllowAny
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.models import Sponsor
from accounts.services.eligibility import (
    eligibility_check,
    eligibility_rate_limit,
)
from therapy.api_errors import ErrorSerializer, RateLimitedSerializer
from therapy.client_ip import client_ip


class SponsorSearchApi(APIView):
    """Public: the sponsors a person can pick, found by name."""

    permission_classes = [AllowAny]
    authentication_classes: list = []

    class SponsorSearchOutput(serializers.ModelSerializer):
        class Meta:
            model = Sponsor
            fields = ["slug", "name", "kind", "requires_member_id", "requires_work_email"]

    @extend_schema(
        parameters=[OpenApiParameter("search", str, description="Part of the sponsor's name")],
        responses={200: SponsorSearchOutput(many=True)},
        summary="Find a sponsor by name",
    )
    def get(self, request: Request) -> Response:
        sponsors = Sponsor.objects.order_by("name")
        # PostgreSQL refuses a NUL byte in a text parameter: no sponsor name holds one
        search = request.query_params.get("search", "").replace("\x00", "").strip()
        if search:
            sponsors = sponsors.filter(name__icontains=search)
        return Response(self.SponsorSearchOutput(sponsors[:20], many=True).data)


class SponsorSlugField(serializers.SlugRelatedField):
    """A sponsor by slug; a NUL byte is refused here (PostgreSQL would raise on the lookup)."""

    def to_internal_value(self, data: object) -> Sponsor:
        if "\x00" in str(data):
            raise serializers.ValidationError("Null characters are not allowed.")
        return super().to_internal_value(data)


class EligibilityCheckApi(APIView):
    """Public: is this person covered by this sponsor today?"""

    permission_classes = [AllowAny]
    authentication_classes: list = []  # anonymous by design; nothing to forge

    class EligibilityCheckInput(serializers.Serializer):
        sponsor = SponsorSlugField(slug_field="slug", queryset=Sponsor.objects.all())
        first_name = serializers.CharField(max_length=150)
        last_name = serializers.CharField(max_length=150)
        date_of_birth = serializers.DateField(input_formats=["%Y-%m-%d"])
        member_id = serializers.CharField(
            max_length=64, required=False, allow_blank=True, default=""
        )
        email = serializers.EmailField(required=False, allow_blank=True, default="")

    class EligibilityCheckOutput(serializers.Serializer):
        status = serializers.ChoiceField(choices=["covered", "not_found", "needs_review"])
        message = serializers.CharField()
        enrol_url = serializers.CharField(
            allow_blank=True, help_text="Where a covered person creates their account."
        )

    @extend_schema(
        request=EligibilityCheckInput,
        responses={
            200: EligibilityCheckOutput,
            400: ErrorSerializer,
            429: RateLimitedSerializer,
        },
        summary="Check a person's coverage",
        description=(
            "Not found and a mismatch answer the same. Rate-limited per client IP and per "
            "sponsor: 429 with a Retry-After header."
        ),
    )
    def post(self, request: Request) -> Response:
        data = self.EligibilityCheckInput(data=request.data)
        data.is_valid(raise_exception=True)
        eligibility_rate_limit(  # 429 with Retry-After, mapped in therapy.api_errors
            client_ip=client_ip(request._request), sponsor=data.validated_data["sponsor"]
        )
        outcome = eligibility_check(**data.validated_data)
        return Response(
            self.EligibilityCheckOutput(
                {
                    "status": outcome.status,
                    "message": outcome.message,
                    "enrol_url": outcome.enrol_url,
                }
            ).data
        )
