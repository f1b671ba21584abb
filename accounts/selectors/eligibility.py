"""Reads for eligibility: the staff review queue."""

from django.db.models import QuerySet
from django.http import Http404

from accounts.models import EligibilityReview, User


def eligibility_reviews_pending(*, user: User) -> QuerySet[EligibilityReview]:
    if not (user.is_authenticated and user.is_operations_staff):
        raise Http404("No such page.")
    return (
        EligibilityReview.objects.filter(status=EligibilityReview.Status.PENDING)
        .select_related("roster_entry__sponsor")
        .order_by("created_at", "id")
    )
