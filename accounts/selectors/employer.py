"""What an employer admin may read: their own sponsor's roster and imports, nothing clinical.

Nothing here joins enrolments, care teams or anything from programs: the only figures that
touch enrolment are the suppressed aggregates in accounts.selectors.dashboard.
"""

from django.db.models import Q, QuerySet
from django.http import Http404

from accounts.models import EligibilityReview, RosterEntry, RosterImport, Sponsor, User
from accounts.names import normalise_name

ROSTER_FIELDS = (
    "id",
    "member_id",
    "first_name",
    "last_name",
    "date_of_birth",
    "email",
    "postal_code",
    "relationship",
    "coverage_start",
    "coverage_end",
    "ended_on",
)


def employer_sponsor_for(*, user: User) -> Sponsor:
    """The sponsor an employer admin manages; 404 for everyone else."""
    if not (user.is_authenticated and user.is_active and user.is_employer_admin):
        raise Http404("No such page.")
    sponsor = Sponsor.objects.filter(admins__user=user).first()
    if sponsor is None:
        raise Http404("No such page.")
    return sponsor


def roster_search(*, sponsor: Sponsor, query: str = "", limit: int = 50) -> QuerySet[RosterEntry]:
    entries = RosterEntry.objects.filter(sponsor=sponsor).only(*ROSTER_FIELDS)
    query = query.strip()
    if query:
        norm = normalise_name(query)
        condition = Q(member_id__iexact=query) | Q(email__iexact=query)
        if norm:
            condition |= Q(last_name_norm__startswith=norm) | Q(first_name_norm__startswith=norm)
        entries = entries.filter(condition)
    return entries.order_by("last_name_norm", "first_name_norm", "id")[:limit]


def roster_entry_get(*, sponsor: Sponsor, entry_id: int) -> RosterEntry:
    entry = RosterEntry.objects.filter(sponsor=sponsor, pk=entry_id).only(*ROSTER_FIELDS).first()
    if entry is None:
        raise Http404("No such roster entry.")
    return entry


def roster_import_list(*, sponsor: Sponsor, limit: int = 50) -> QuerySet[RosterImport]:
    return (
        RosterImport.objects.filter(sponsor=sponsor)
        .select_related("uploaded_by")
        .order_by("-created_at", "-id")[:limit]
    )


def roster_import_get(*, sponsor: Sponsor, import_id: int) -> RosterImport:
    found = (
        RosterImport.objects.filter(sponsor=sponsor, pk=import_id)
        .select_related("uploaded_by", "confirmed_by")
        .first()
    )
    if found is None:
        raise Http404("No such import.")
    return found


def eligibility_reviews_pending(*, user: User) -> QuerySet[EligibilityReview]:
    if not (user.is_authenticated and user.is_operations_staff):
        raise Http404("No such page.")
    return (
        EligibilityReview.objects.filter(status=EligibilityReview.Status.PENDING)
        .select_related("roster_entry__sponsor")
        .order_by("created_at", "id")
    )
