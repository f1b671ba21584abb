"""“Do I qualify?”: match a person to a sponsor's roster without leaking who is on it.

Not found and a mismatch (wrong member ID, wrong email, coverage ended or not started yet)
give the same answer, checks are rate-limited per client and per sponsor, and a check keeps
only its result: what the person typed is stored only when a near match goes to staff.
See docs/matching.md for the rules.
"""

from dataclasses import dataclass
from datetime import date

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from accounts.eligibility_matching import (
    are_nickname_variants,
    edit_distance,
    name_parts,
    normalise_member_id,
    normalise_name,
)
from accounts.models import EligibilityCheck, EligibilityReview, RosterEntry, Sponsor, User
from accounts.selectors.enrolment import enrolment_url_for
from therapy.celery import task_send
from therapy.errors import ApplicationError, RateLimitedError
from therapy.rate_limits import rate_hits

MESSAGES = {
    EligibilityCheck.Result.COVERED: (
        "You are covered. Create your account to get started with your physical therapist."
    ),
    EligibilityCheck.Result.NOT_FOUND: (
        "We could not confirm coverage with these details today. Check the spelling and the "
        "date of birth, and that they match what your employer or plan has on file. If your "
        "coverage starts later, try again from its first day."
    ),
    EligibilityCheck.Result.NEEDS_REVIEW: (
        "Your details are close to a record but not an exact match. Our team will check them "
        "and email you the result, usually within one working day."
    ),
}
LINK_SENT_MESSAGE = (
    "You are covered. We sent a link to create your account to the email address "
    "{sponsor} has on file for you. Open it to continue; it works for two weeks."
)
NEEDS_EMAIL_MESSAGE = (
    "Your details need a quick check by our team. Add your email address and send them again "
    "so that we can tell you the result."
)


@dataclass(frozen=True)
class CheckOutcome:
    status: str
    message: str
    enrol_url: str = ""
    review_id: int | None = None


def eligibility_rate_limit(*, client_ip: str | None, sponsor: Sponsor) -> None:
    """Raise RateLimitedError when this client or this sponsor has checked too often lately."""
    wait = rate_hits(
        [
            (f"elig:ip:{client_ip or 'unknown'}", settings.ELIGIBILITY_CHECKS_PER_IP),
            (f"elig:sponsor:{sponsor.pk}", settings.ELIGIBILITY_CHECKS_PER_SPONSOR),
        ],
        window=settings.ELIGIBILITY_RATE_WINDOW_SECONDS,
    )
    if wait is not None:
        raise RateLimitedError(f"Too many checks; try again in {wait} seconds.", retry_after=wait)


def _last_names_match(entered: str, entry: RosterEntry) -> bool:
    """Exact after normalising, or one part of a double surname ("García" for "García López")."""
    entered_norm = normalise_name(entered)
    if entered_norm == entry.last_name_norm:
        return True
    roster_parts = name_parts(entry.last_name)
    entered_parts = name_parts(entered)
    return (len(roster_parts) > 1 and entered_norm in roster_parts) or (
        len(entered_parts) > 1 and entry.last_name_norm in entered_parts
    )


def _first_names_match(entered: str, entry: RosterEntry) -> bool:
    """Exact after normalising, or the first of several given names ("Mary" for "Mary Ann")."""
    entered_norm = normalise_name(entered)
    if entered_norm == entry.first_name_norm:
        return True
    parts = name_parts(entry.first_name)
    return len(parts) > 1 and entered_norm == parts[0]


def _typo(a: str, b: str) -> bool:
    """One slip of the keyboard (two in a long name)."""
    allowed = 1 if max(len(a), len(b)) <= 6 else 2
    return 0 < edit_distance(a, b, limit=allowed) <= allowed


def classify_match(*, first_name: str, last_name: str, entry: RosterEntry) -> str | None:
    """Say "exact", name the near-match reason for staff, or None for different people."""
    first_ok = _first_names_match(first_name, entry)
    last_ok = _last_names_match(last_name, entry)
    if first_ok and last_ok:
        return "exact"
    first_norm, last_norm = normalise_name(first_name), normalise_name(last_name)
    if first_norm == entry.last_name_norm and last_norm == entry.first_name_norm:
        return "swapped_names"
    if last_ok and are_nickname_variants(first_norm, entry.first_name_norm):
        return "nickname"
    if last_ok and _typo(first_norm, entry.first_name_norm):
        return "typo_in_first_name"
    if first_ok and _typo(last_norm, entry.last_name_norm):
        return "typo_in_last_name"
    return None


def _identifiers_match(*, sponsor: Sponsor, entry: RosterEntry, member_id: str, email: str) -> bool:
    if sponsor.requires_member_id and normalise_member_id(member_id) != normalise_member_id(
        entry.member_id
    ):
        return False
    return not (
        sponsor.requires_work_email and (not entry.email or email.strip().lower() != entry.email)
    )


def validate_check_input(*, sponsor: Sponsor, member_id: str, email: str) -> None:
    errors: dict[str, list[str]] = {}
    if sponsor.requires_member_id and not member_id.strip():
        errors["member_id"] = [f"{sponsor.name} needs your member ID to find you."]
    if sponsor.requires_work_email and not email.strip():
        errors["email"] = [f"{sponsor.name} needs your work email address to find you."]
    if errors:
        raise ApplicationError("Some details are missing.", errors=errors)


@transaction.atomic
def eligibility_check(
    *,
    sponsor: Sponsor,
    first_name: str,
    last_name: str,
    date_of_birth: date,
    member_id: str = "",
    email: str = "",
    today: date | None = None,
) -> CheckOutcome:
    """Match a person to the sponsor's roster and record that a check happened."""
    validate_check_input(sponsor=sponsor, member_id=member_id, email=email)
    today = today or timezone.localdate()
    candidates = RosterEntry.objects.filter(sponsor=sponsor, date_of_birth=date_of_birth)
    covered: RosterEntry | None = None
    near: tuple[RosterEntry, str] | None = None
    for entry in candidates:
        if not entry.is_covered_on(today):
            continue
        if not _identifiers_match(sponsor=sponsor, entry=entry, member_id=member_id, email=email):
            continue
        kind = classify_match(first_name=first_name, last_name=last_name, entry=entry)
        if kind == "exact":
            covered = entry
            break
        if kind and near is None:
            near = (entry, kind)

    Result = EligibilityCheck.Result
    if covered is not None and sponsor.requires_member_id:
        EligibilityCheck.objects.create(
            sponsor=sponsor, result=Result.COVERED, roster_entry=covered
        )
        return CheckOutcome(Result.COVERED, MESSAGES[Result.COVERED], enrolment_url_for(covered))
    if covered is not None and covered.email:
        # Name, date of birth (and a work email anyone may guess) are not proof: the link goes
        # to the roster's own address, never on screen (issue 13, coverage claiming).
        EligibilityCheck.objects.create(
            sponsor=sponsor, result=Result.COVERED, roster_entry=covered
        )
        entry_id = covered.pk
        transaction.on_commit(
            lambda: task_send("accounts.tasks.enrolment_link_email_task", entry_id)
        )
        return CheckOutcome(Result.COVERED, LINK_SENT_MESSAGE.format(sponsor=sponsor.name))
    if covered is not None:
        near = (covered, EligibilityReview.Reason.NO_SECOND_FACTOR)
    if near is None:
        EligibilityCheck.objects.create(sponsor=sponsor, result=Result.NOT_FOUND)
        return CheckOutcome(Result.NOT_FOUND, MESSAGES[Result.NOT_FOUND])

    entry, reason = near
    check = EligibilityCheck.objects.create(
        sponsor=sponsor, result=Result.NEEDS_REVIEW, roster_entry=entry
    )
    if not email.strip():
        return CheckOutcome(Result.NEEDS_REVIEW, NEEDS_EMAIL_MESSAGE)
    review = EligibilityReview.objects.create(
        check_record=check,
        roster_entry=entry,
        reason=reason,
        entered_first_name=first_name.strip()[:150],
        entered_last_name=last_name.strip()[:150],
        email=email.strip().lower(),
    )
    return CheckOutcome(Result.NEEDS_REVIEW, MESSAGES[Result.NEEDS_REVIEW], review_id=review.pk)


@transaction.atomic
def eligibility_review_decide(
    *, review_id: int, staff_user: User, approve: bool
) -> EligibilityReview:
    """Staff approve or reject a near match; the person is emailed the result after commit."""
    if not staff_user.is_operations_staff:
        raise ApplicationError("Only staff decide reviews.")
    status = EligibilityReview.Status.APPROVED if approve else EligibilityReview.Status.REJECTED
    claimed = EligibilityReview.objects.filter(
        pk=review_id, status=EligibilityReview.Status.PENDING
    ).update(status=status, decided_by=staff_user, decided_at=timezone.now())
    if not claimed:
        raise ApplicationError("This review has already been decided.")

    transaction.on_commit(
        lambda: task_send("accounts.tasks.eligibility_review_email_task", review_id)
    )
    return EligibilityReview.objects.get(pk=review_id)
