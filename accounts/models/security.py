"""API tokens: stored as a digest, shown once, with an expiry and an idle limit."""

from django.db import models
from django.utils import timezone

from accounts.models.people import User


class ApiToken(models.Model):
    """One signed-in API client. The key itself is never stored: only its SHA-256 digest, and
    its first characters so a person or staff can tell tokens apart. A token dies at
    `expires_at`, after the role's idle limit without use, when the user's password or
    session generation changes (`auth_hash`), and when deleted (log out everywhere, MFA
    change, account closed)."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="api_tokens")
    digest = models.CharField(max_length=64, unique=True, editable=False)
    prefix = models.CharField(max_length=8, editable=False)
    # The user's session auth hash when the token was made: a password change or reset, or
    # "log out everywhere", changes it and so ends the token.
    auth_hash = models.CharField(max_length=128, editable=False)
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    expires_at = models.DateTimeField(editable=False)
    last_used_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        verbose_name = "API token"

    def __str__(self) -> str:
        return f"{self.prefix}… of user {self.user_id}"
