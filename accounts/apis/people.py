from django.contrib.auth import authenticate
from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.permissions import AllowAny, IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts import selectors
from accounts.models import US_STATES, PatientProfile, User
from accounts.selectors.enrolment import invitation_from_token
from accounts.selectors.security import mfa_check_token, mfa_required_for, user_has_confirmed_device
from accounts.services.audit import Action, audit_read, audit_read_patients, audit_record
from accounts.services.enrolment import invitation_accept
from accounts.services.people import SIGN_UP_ANSWER
from accounts.services.security import api_token_create, signup_rate_limit
from therapy.api_errors import ErrorSerializer, RateLimitedSerializer
from therapy.client_ip import client_ip
from therapy.errors import ApplicationError
from therapy.http import AuthenticatedRequest
from therapy.permissions import IsClinicalUser


class PatientProfileOutput(serializers.ModelSerializer):
    class Meta:
        model = PatientProfile
        fields = ["date_of_birth", "phone", "state", "time_zone", "preferred_language"]


class UserOutput(serializers.ModelSerializer):
    patient_profile = PatientProfileOutput(read_only=True, allow_null=True, default=None)

    class Meta:
        model = User
        fields = ["id", "email", "first_name", "last_name", "role", "patient_profile"]


class SignUpApi(APIView):
    permission_classes = [AllowAny]
    authentication_classes: list = []  # a new person has no session to forge; CSRF does not apply

    class SignUpInput(serializers.Serializer):
        invitation = serializers.CharField(
            required=False,
            allow_blank=True,
            default="",
            help_text="The token of a clinic's or PT's invitation (the `invitation` parameter of "
            "its link). Open sign-up is closed: without one, check coverage first "
            "(POST /api/v1/eligibility/check/), which gives an enrolment link.",
        )
        email = serializers.EmailField(help_text="The address the invitation was sent to.")
        password = serializers.CharField(write_only=True, trim_whitespace=False)
        first_name = serializers.CharField(max_length=150, required=False, allow_blank=True)
        last_name = serializers.CharField(max_length=150, required=False, allow_blank=True)
        date_of_birth = serializers.DateField(input_formats=["%Y-%m-%d"])
        time_zone = serializers.CharField(
            max_length=64,
            required=False,
            allow_blank=True,
            default="",
            help_text="Empty: the usual zone of the state.",
        )
        phone = serializers.CharField(max_length=32, required=False, allow_blank=True, default="")
        state = serializers.ChoiceField(
            choices=US_STATES, required=False, allow_blank=True, default=""
        )
        preferred_language = serializers.ChoiceField(
            choices=PatientProfile.Language.choices, default=PatientProfile.Language.ENGLISH
        )

    class SignUpOutput(serializers.Serializer):
        detail = serializers.CharField()

    @extend_schema(
        request=SignUpInput,
        responses={202: SignUpOutput, 400: ErrorSerializer, 429: RateLimitedSerializer},
        summary="Create a patient account from an invitation (open sign-up is closed)",
        description="The same 202 answer whether the address was free (the account is created "
        "and a welcome email sent) or already has an account (nothing is created; its owner "
        "is emailed). Then log in (POST /api/v1/auth/token/). Limited per client IP and per "
        "address: 429 with a Retry-After header.",
    )
    def post(self, request: Request) -> Response:
        signup_rate_limit(
            client_ip=client_ip(request._request),
            email=str(request.data.get("email", "")) if hasattr(request.data, "get") else "",
        )
        data = self.SignUpInput(data=request.data)
        data.is_valid(raise_exception=True)
        fields = data.validated_data
        if not fields["invitation"]:
            raise ApplicationError(
                "Open sign-up is closed. Check your coverage first (Do I qualify?), or use the "
                "invitation link your clinic or physical therapist emailed you.",
                errors={"invitation": ["An invitation or a coverage check is needed."]},
            )
        invitation = invitation_from_token(fields["invitation"])
        if fields["email"].strip().lower() != invitation.email:
            raise ApplicationError(
                "Use the email address the invitation was sent to.",
                errors={"email": ["Use the email address the invitation was sent to."]},
            )
        user = invitation_accept(
            invitation=invitation,
            password=fields["password"],
            date_of_birth=fields["date_of_birth"],
            state=fields["state"],
            time_zone=fields["time_zone"],
            phone=fields["phone"],
            preferred_language=fields["preferred_language"],
        )
        if user is not None:  # None: the address had an account; its owner is emailed
            audit_record(request_or_actor=user, patient_id=user.pk, action=Action.CREATE, obj=user)
        return Response(
            {"detail": SIGN_UP_ANSWER.format(email=invitation.email)},
            status=status.HTTP_202_ACCEPTED,
        )


class TokenApi(APIView):
    permission_classes = [AllowAny]
    authentication_classes: list = []

    class TokenInput(serializers.Serializer):
        email = serializers.EmailField()
        password = serializers.CharField(trim_whitespace=False)
        otp_token = serializers.CharField(
            required=False,
            allow_blank=True,
            max_length=16,
            help_text="Code from the authenticator app (or a recovery code); required for "
            "therapists, staff, employer admins and anyone who turned on two-step sign-in.",
        )

    class TokenOutput(serializers.Serializer):
        token = serializers.CharField()

    @extend_schema(
        request=TokenInput,
        responses={200: TokenOutput, 400: ErrorSerializer, 429: ErrorSerializer},
        summary="Exchange email, password (and a code when two-step sign-in is on) for a token",
    )
    def post(self, request: Request) -> Response:
        data = self.TokenInput(data=request.data)
        data.is_valid(raise_exception=True)
        user = authenticate(
            request._request,
            username=data.validated_data["email"].lower(),
            password=data.validated_data["password"],
        )
        if user is None:
            raise serializers.ValidationError(
                {"non_field_errors": ["Email or password is not right."]}
            )
        if mfa_required_for(user):
            code = data.validated_data.get("otp_token") or ""
            if not user_has_confirmed_device(user):
                raise serializers.ValidationError(
                    {"otp_token": ["Set up two-step sign-in on the website first."]}
                )
            if not code or not mfa_check_token(user=user, token=code):
                audit_record(request_or_actor=user, patient_id=None, action=Action.MFA_FAILED)
                raise serializers.ValidationError(
                    {"otp_token": ["A valid code from your authenticator app is required."]}
                )
        return Response({"token": api_token_create(user=user)})


class MeApi(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(responses={200: UserOutput}, summary="The signed-in user")
    def get(self, request: AuthenticatedRequest) -> Response:
        user = User.objects.select_related("patient_profile").get(pk=request.user.pk)
        if user.is_patient:
            audit_read(request, patient_id=user.pk, obj=user)
        return Response(UserOutput(user).data)


class PatientListApi(APIView):
    permission_classes = [IsClinicalUser]

    @extend_schema(
        responses={200: UserOutput(many=True), 404: ErrorSerializer},
        summary="Patients you may see (404 for employer admins)",
    )
    def get(self, request: AuthenticatedRequest) -> Response:
        # The list's rows come as plain values in UserOutput's shape (a test holds the two
        # equal): building and serialising model instances was most of this endpoint's time.
        rows = selectors.patient_rows_for_user(user=request.user)
        audit_read_patients(request, patient_ids=[row["id"] for row in rows])
        return Response(rows)


class PatientDetailApi(APIView):
    permission_classes = [IsClinicalUser]

    @extend_schema(responses={200: UserOutput, 404: ErrorSerializer}, summary="One patient")
    def get(self, request: AuthenticatedRequest, patient_id: int) -> Response:
        patient = selectors.patient_get_for_user(user=request.user, patient_id=patient_id)
        audit_read(request, patient_id=patient.pk, obj=patient)
        return Response(UserOutput(patient).data)
