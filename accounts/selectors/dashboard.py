"""The employer admin's aggregate dashboard, with small cells suppressed.

Any figure drawn from fewer than EMPLOYER_MIN_CELL_SIZE people is shown as "<11". A figure is
also hidden when its complement is that small (12 covered and 12 enrolled would tell the
admin that any named person enrolled), and a filtered figure when it differs from the
unfiltered one by that few people (the difference would describe them).
"""

from dataclasses import dataclass

from django.conf import settings
from django.db.models import Q
from django.utils import timezone

from accounts.models import Enrolment, RosterEntry, Sponsor


@dataclass(frozen=True)
class Figure:
    key: str
    label: str
    shown: str
    # The number itself; None when suppressed, so no caller can leak it by mistake.
    value: int | float | None


def _small(n: int) -> bool:
    return 0 < n < settings.EMPLOYER_MIN_CELL_SIZE


def _suppressed_label() -> str:
    return f"<{settings.EMPLOYER_MIN_CELL_SIZE}"


def _figure(
    key: str, label: str, value: int, *, people: int, complements: tuple[int, ...] = ()
) -> Figure:
    hide = people < settings.EMPLOYER_MIN_CELL_SIZE or any(_small(c) for c in complements)
    if hide:
        return Figure(key, label, _suppressed_label(), None)
    return Figure(key, label, f"{value:,}", value)


def _covered_today() -> Q:
    today = timezone.localdate()
    return Q(ended_on__isnull=True, coverage_start__lte=today) & (
        Q(coverage_end__isnull=True) | Q(coverage_end__gte=today)
    )


def _counts(*, sponsor: Sponsor, relationship: str) -> tuple[int, int]:
    entries = RosterEntry.objects.filter(_covered_today(), sponsor=sponsor)
    if relationship:
        entries = entries.filter(relationship=relationship)
    covered = entries.count()
    enrolled = Enrolment.objects.filter(roster_entry__in=entries.values("pk")).count()
    return covered, enrolled


def employer_dashboard(*, sponsor: Sponsor, relationship: str = "") -> list[Figure]:
    covered, enrolled = _counts(sponsor=sponsor, relationship=relationship)
    complements: tuple[int, ...] = (covered - enrolled,)
    if relationship:
        all_covered, all_enrolled = _counts(sponsor=sponsor, relationship="")
        complements += (
            all_enrolled - enrolled,
            (all_covered - all_enrolled) - (covered - enrolled),
        )
    return [
        # The admin can list the roster anyway; the count is suppressed like any small cell.
        _figure("covered", "People covered today", covered, people=covered),
        _figure("enrolled", "People enrolled", enrolled, people=enrolled, complements=complements),
    ]
