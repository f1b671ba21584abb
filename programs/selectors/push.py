"""Reads of a patient's Web Push devices, always scoped to the acting user."""

from django.db.models import QuerySet
from django.http import Http404

from accounts.models import User
from programs.models import PushSubscription


def push_subscriptions_for_user(*, user: User) -> QuerySet[PushSubscription]:
    """The signed-in patient's own devices; nobody else's, whoever asks."""
    if not (user.is_authenticated and user.is_patient):
        return PushSubscription.objects.none()
    return PushSubscription.objects.filter(patient=user)


def push_subscription_get_for_user(*, user: User, subscription_id: int) -> PushSubscription:
    try:
        return push_subscriptions_for_user(user=user).get(pk=subscription_id)
    except PushSubscription.DoesNotExist as exc:
        raise Http404("No such device.") from exc
