"""What an employer admin may read of the roster: their own sponsor's entries and imports.

Nothing here joins enrolments, care teams or anything from programs.
"""

from django.db.models import Q, QuerySet
from django.http import Http404

from accounts.eligibility_matching import normalise_name
from accounts.models import RosterEntry, RosterImport, Sponsor

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
