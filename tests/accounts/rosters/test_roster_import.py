"""The roster import: diff, idempotence, the confirmation threshold and bad files."""

from datetime import timedelta

import pytest
from django.core.files.base import ContentFile
from django.utils import timezone

from accounts.models import AuditEvent, RosterEntry, RosterImport
from accounts.services.rosters import (
    roster_import_cancel,
    roster_import_confirm,
    roster_import_create,
    roster_import_process,
)
from tests.factories import SponsorFactory, roster_csv, roster_person
from therapy.errors import ApplicationError

pytestmark = pytest.mark.django_db


def _import(sponsor, content: bytes, name: str = "roster.csv") -> RosterImport:
    roster_import = roster_import_create(
        sponsor=sponsor, file=ContentFile(content, name=name), uploaded_by=None
    )
    roster_import_process(import_id=roster_import.pk)
    roster_import.refresh_from_db()
    return roster_import


def _counts(roster_import: RosterImport) -> dict[str, int]:
    return {
        k: getattr(roster_import, k) for k in ("added", "updated", "ended", "unchanged", "rejected")
    }


def test_first_import_adds_everyone_and_keeps_original_names():
    sponsor = SponsorFactory()
    rows = [roster_person(i) for i in range(5)]
    rows[0].update(first_name="  José ", last_name="García-López")
    done = _import(sponsor, roster_csv(rows))
    assert done.status == RosterImport.Status.APPLIED
    assert _counts(done) == {"added": 5, "updated": 0, "ended": 0, "unchanged": 0, "rejected": 0}
    jose = RosterEntry.objects.get(sponsor=sponsor, member_id="E00000")
    assert (jose.first_name, jose.last_name) == ("José", "García-López")
    assert (jose.first_name_norm, jose.last_name_norm) == ("jose", "garcialopez")


def test_reimport_of_the_same_file_changes_nothing():
    sponsor = SponsorFactory()
    content = roster_csv([roster_person(i) for i in range(10)])
    _import(sponsor, content)
    before = list(RosterEntry.objects.filter(sponsor=sponsor).order_by("pk").values())
    again = _import(sponsor, content)
    assert _counts(again) == {"added": 0, "updated": 0, "ended": 0, "unchanged": 10, "rejected": 0}
    assert list(RosterEntry.objects.filter(sponsor=sponsor).order_by("pk").values()) == before


def test_second_file_adds_updates_and_ends_without_deleting():
    sponsor = SponsorFactory()
    _import(sponsor, roster_csv([roster_person(i) for i in range(10)]))
    rows = [roster_person(i) for i in range(1, 10)]  # person 0 is gone
    rows[0]["last_name"] = "Married-Name"  # person 1 changed
    rows.append(roster_person(10))  # person 10 is new
    done = _import(sponsor, roster_csv(rows))
    assert _counts(done) == {"added": 1, "updated": 1, "ended": 1, "unchanged": 8, "rejected": 0}
    gone = RosterEntry.objects.get(sponsor=sponsor, member_id="E00000")
    assert gone.ended_on == timezone.localdate()
    assert gone.ended_by_import_id == done.pk
    assert RosterEntry.objects.filter(sponsor=sponsor).count() == 11
    # and when the person comes back they are covered again, counted as an update
    back = _import(sponsor, roster_csv([roster_person(i) for i in range(11)]))
    assert back.added == 0
    assert back.updated == 2  # person 0 back, person 1's name as before
    gone.refresh_from_db()
    assert gone.ended_on is None


def test_other_sponsors_rosters_are_left_alone():
    acme, other = SponsorFactory(), SponsorFactory()
    _import(other, roster_csv([roster_person(i) for i in range(3)]))
    _import(acme, roster_csv([roster_person(i) for i in range(3)]))
    _import(acme, roster_csv([roster_person(7)]), name="small.csv")  # ends 3 of 3: waits
    assert RosterEntry.objects.filter(sponsor=other, ended_on__isnull=True).count() == 3


def test_a_file_ending_more_than_the_threshold_waits_for_confirmation(employer_admin, settings):
    settings.ROSTER_MAX_END_FRACTION = 0.2
    sponsor = SponsorFactory()
    _import(sponsor, roster_csv([roster_person(i) for i in range(10)]))
    waiting = _import(sponsor, roster_csv([roster_person(i) for i in range(7)]))
    assert waiting.status == RosterImport.Status.AWAITING_CONFIRMATION
    assert waiting.ended == 3
    assert RosterEntry.objects.filter(sponsor=sponsor, ended_on__isnull=True).count() == 10

    roster_import_confirm(roster_import=waiting, user=employer_admin)
    confirmation = AuditEvent.objects.get(object_type="accounts.rosterimport")
    assert (confirmation.actor_id, confirmation.object_id) == (employer_admin.pk, str(waiting.pk))
    from accounts.services.rosters import roster_import_apply_confirmed

    roster_import_apply_confirmed(import_id=waiting.pk)
    waiting.refresh_from_db()
    assert waiting.status == RosterImport.Status.APPLIED
    assert _counts(waiting)["ended"] == 3
    assert RosterEntry.objects.filter(sponsor=sponsor, ended_on__isnull=True).count() == 7
    with pytest.raises(ApplicationError):
        roster_import_confirm(roster_import=waiting, user=employer_admin)


def test_exactly_at_the_threshold_applies_and_cancel_leaves_the_roster(employer_admin, settings):
    settings.ROSTER_MAX_END_FRACTION = 0.2
    sponsor = SponsorFactory()
    _import(sponsor, roster_csv([roster_person(i) for i in range(10)]))
    assert _import(sponsor, roster_csv([roster_person(i) for i in range(8)])).ended == 2
    waiting = _import(sponsor, roster_csv([roster_person(0)]))
    roster_import_cancel(roster_import=waiting, user=employer_admin)
    assert RosterEntry.objects.filter(sponsor=sponsor, ended_on__isnull=True).count() == 8


def test_bad_rows_are_rejected_with_row_column_and_reason():
    sponsor = SponsorFactory()
    rows = [
        roster_person(0),
        roster_person(1, date_of_birth="31/12/1980"),
        roster_person(2, coverage_start="2024-05-01", coverage_end="2024-04-01"),
        roster_person(3, first_name=""),
        roster_person(0, first_name="Again"),
        roster_person(5, date_of_birth="12/31/1980", coverage_start="01/15/2024"),
        roster_person(6, relationship="cousin"),
    ]
    done = _import(sponsor, roster_csv(rows))
    assert done.status == RosterImport.Status.APPLIED
    assert _counts(done) == {"added": 2, "updated": 0, "ended": 0, "unchanged": 0, "rejected": 5}
    got = [(r.row_number, r.column) for r in done.rejections.all()]
    assert got == [
        (3, "date_of_birth"),
        (4, "coverage_end"),
        (5, "first_name"),
        (6, "member_id"),
        (8, "relationship"),
    ]
    us_dates = RosterEntry.objects.get(sponsor=sponsor, member_id="E00005")
    assert us_dates.date_of_birth.isoformat() == "1980-12-31"
    assert us_dates.coverage_start.isoformat() == "2024-01-15"


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\xff\xfe", "not UTF-8"),
        ("member_id,first_name\nA1,Zoë\n".encode(), "missing these columns"),
        (
            "member_id,first_name,last_name,date_of_birth,email,postal_code,relationship,"
            "coverage_start,coverage_end\nA1,Zoë,Kim,1980-99-99,,,,2024-01-01,\n".encode(),
            "No row of the file could be used",
        ),
        (b"\n", "empty"),
        (
            "member_id,first_name,last_name,date_of_birth,email,postal_code,relationship,"
            "coverage_start,coverage_end\n".encode("latin-1")
            + "A1,Zoë,Kim,1980-01-01,,,,2024-01-01,\n".encode("latin-1"),
            "not UTF-8",
        ),
    ],
)
def test_a_bad_file_fails_clearly_and_leaves_the_roster_in_force(content, message):
    sponsor = SponsorFactory()
    _import(sponsor, roster_csv([roster_person(i) for i in range(3)]))
    before = list(RosterEntry.objects.filter(sponsor=sponsor).order_by("pk").values())
    done = _import(sponsor, content, name="bad.csv")
    assert done.status == RosterImport.Status.FAILED
    assert message in done.error
    assert list(RosterEntry.objects.filter(sponsor=sponsor).order_by("pk").values()) == before


def test_a_file_over_the_size_limit_is_refused_before_anything_happens(settings):
    settings.ROSTER_MAX_UPLOAD_BYTES = 100
    sponsor = SponsorFactory()
    with pytest.raises(ApplicationError, match="larger than the limit"):
        roster_import_create(
            sponsor=sponsor,
            file=ContentFile(roster_csv([roster_person(i) for i in range(5)]), name="big.csv"),
            uploaded_by=None,
        )
    assert not RosterImport.objects.exists()


def test_processing_twice_does_the_work_once():
    sponsor = SponsorFactory()
    done = _import(sponsor, roster_csv([roster_person(1)]))
    assert roster_import_process(import_id=done.pk) is None
    done.refresh_from_db()
    assert done.added == 1


def test_coverage_dates_in_the_future_are_kept():
    sponsor = SponsorFactory()
    start = (timezone.localdate() + timedelta(days=30)).isoformat()
    _import(sponsor, roster_csv([roster_person(1, coverage_start=start)]))
    entry = RosterEntry.objects.get(sponsor=sponsor)
    assert entry.coverage_status == "starts later"
