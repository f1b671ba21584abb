"""The one place in programs that knows about email. Emails carry no health data."""

from django.conf import settings
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from accounts.notifications import send_templated_email
from programs.models import Alert


def alert_email_send(*, alert_id: int) -> bool:
    """Tell the PT there is an urgent alert, once. Returns False when it had already gone out."""
    with transaction.atomic():
        alert = (
            Alert.objects.select_for_update()
            .select_related("therapist")
            .filter(pk=alert_id, therapist__isnull=False, therapist_notified_at__isnull=True)
            .first()
        )
        if alert is None:
            return False
        send_templated_email(
            to=alert.therapist.email,
            template="programs/email/urgent_alert",
            context={
                "first_name": alert.therapist.first_name,
                "caseload_url": settings.PUBLIC_BASE_URL.rstrip("/") + reverse("caseload"),
            },
        )
        alert.therapist_notified_at = timezone.now()
        alert.save(update_fields=["therapist_notified_at"])
    return True
