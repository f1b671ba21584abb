"""The append-only audit trail."""

from django.db import models
from django.utils import timezone

from accounts.models.people import User


class AuditEvent(models.Model):
    """One read or change of health data, or one sign-in event. Append-only.

    The database refuses UPDATE and DELETE on this table (a trigger, see migration 0003), so
    no code path, admin action or SQL session can rewrite history. References to people are
    plain ids without a foreign-key constraint: erasing a closed account removes the person,
    and the audit keeps the fact (who, which patient id, what, when) without their data.
    """

    class Action(models.TextChoices):
        READ = "read", "Read"
        CREATE = "create", "Create"
        UPDATE = "update", "Update"
        DELETE = "delete", "Delete"
        EXPORT = "export", "Export"
        LOGIN = "login", "Log in"
        LOGIN_FAILED = "login_failed", "Failed log in"
        LOGOUT = "logout", "Log out"
        LOGOUT_EVERYWHERE = "logout_everywhere", "Log out everywhere"
        MFA_ENROLLED = "mfa_enrolled", "MFA enrolled"
        MFA_VERIFIED = "mfa_verified", "MFA verified"
        MFA_FAILED = "mfa_failed", "MFA code refused"
        LOCKED_OUT = "locked_out", "Locked out"
        UNLOCK = "unlock", "Unlocked"
        ACCOUNT_CLOSED = "account_closed", "Account closed"
        ERASED = "erased", "Data erased"

    at = models.DateTimeField(default=timezone.now, db_index=True)
    actor = models.ForeignKey(
        User,
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        null=True,
        blank=True,
        related_name="+",
    )
    actor_role = models.CharField(max_length=20, blank=True)
    patient = models.ForeignKey(
        User,
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        null=True,
        blank=True,
        related_name="+",
    )
    action = models.CharField(max_length=32, choices=Action.choices)
    object_type = models.CharField(max_length=100, blank=True)
    object_id = models.CharField(max_length=64, blank=True)
    ip_address = models.GenericIPAddressField(null=True, blank=True)
    request_id = models.CharField(max_length=64, blank=True)

    class Meta:
        ordering = ["-at", "-id"]
        indexes = [
            models.Index(fields=["patient", "-at"], name="accounts_audit_patient_idx"),
            models.Index(fields=["actor", "-at"], name="accounts_audit_actor_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M:%S} {self.actor_id} {self.action} {self.object_type}"
