"""How the API knows who is calling with a token (`Authorization: Token <key>`)."""

from rest_framework import exceptions
from rest_framework.authentication import TokenAuthentication

from accounts.models import User
from accounts.services.security import api_token_authenticate


class ApiTokenAuthentication(TokenAuthentication):
    """DRF's token header, checked against our hashed, expiring tokens (ApiToken)."""

    def authenticate_credentials(self, key: str) -> tuple[User, None]:
        user = api_token_authenticate(key=key)
        if user is None:
            raise exceptions.AuthenticationFailed("Invalid or expired token. Sign in again.")
        return user, None
