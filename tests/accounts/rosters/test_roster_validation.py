"""The reject report of the SQL-validated import: row-exact, message-exact, and the same as the
Python path's (`_read_rows`, which SQLite still uses) on awkward values."""

import csv
import io
import random
from datetime import date, timedelta

import pytest
from django.core.files.base import ContentFile
from django.utils import timezone

from accounts.models import RosterEntry, RosterImport
from accounts.services.rosters import (
    _WHITESPACE,
    COLUMNS,
    RELATIONSHIPS,
    _read_rows,
    roster_import_create,
    roster_import_process,
)
from tests.factories import SponsorFactory, roster_csv, roster_person

pytestmark = pytest.mark.django_db


def _import(sponsor, content: bytes) -> RosterImport:
    roster_import = roster_import_create(
        sponsor=sponsor, file=ContentFile(content, name="roster.csv"), uploaded_by=None
    )
    roster_import_process(import_id=roster_import.pk)
    roster_import.refresh_from_db()
    return roster_import


def _report(roster_import: RosterImport) -> list[tuple[int, str, str]]:
    return [(r.row_number, r.column, r.reason) for r in roster_import.rejections.all()]


def test_every_rejection_reason_has_its_row_number_column_and_message():
    # given a file with one row per reason, a blank line and a value over two lines in between
    future = (timezone.localdate() + timedelta(days=1)).isoformat()
    rows = [
        roster_person(0),  # row 2: fine
        roster_person(1, member_id=""),  # 3
        roster_person(2, first_name=" "),  # 4
        roster_person(3, last_name=""),  # 5
        roster_person(4, date_of_birth=""),  # 6
        roster_person(5, coverage_start=""),  # 7
        roster_person(6, member_id="M" * 65),  # 8
        roster_person(7, first_name="F" * 151),  # 9
        roster_person(8, last_name="L" * 151),  # 10
        roster_person(9, email="e" * 250 + "@x.io"),  # 11
        roster_person(10, postal_code="1" * 17),  # 12
        roster_person(11, date_of_birth="31/12/1980"),  # 13
        roster_person(12, coverage_start="2024-02-30"),  # 14
        roster_person(13, coverage_end="soon"),  # 15
        roster_person(14, coverage_start="2024-05-01", coverage_end="2024-04-30"),  # 16
        roster_person(15, date_of_birth=future),  # 17
        roster_person(16, date_of_birth="1899-12-31"),  # 18
        roster_person(17, relationship="cousin"),  # 19
        roster_person(18, email="person18.work.example"),  # 20
        roster_person(19, email="person 19@work.example"),  # 21
        roster_person(20, first_name="--"),  # 22
        roster_person(21, last_name="?!"),  # 23
        roster_person(0, first_name="Again"),  # 24
        roster_person(22, last_name="Two\nLines"),  # 25, over two physical lines
        roster_person(23, date_of_birth="x" * 50),  # 26
    ]
    content = roster_csv(rows)
    lines = content.split(b"\r\n")
    content = b"\r\n".join([*lines[:2], b"", *lines[2:]])  # a blank line: row 3 is now row 4
    content += b"E00099,Short,Row\r\n"

    # when
    done = _import(SponsorFactory(), content)

    # then
    date_help = "is not a date (use YYYY-MM-DD or MM/DD/YYYY)."
    assert _report(done) == [
        (4, "member_id", "This value is required."),
        (5, "first_name", "This value is required."),
        (6, "last_name", "This value is required."),
        (7, "date_of_birth", "This value is required."),
        (8, "coverage_start", "This value is required."),
        (9, "member_id", "This value is too long."),
        (10, "first_name", "This value is too long."),
        (11, "last_name", "This value is too long."),
        (12, "email", "This value is too long."),
        (13, "postal_code", "Longer than 16 characters."),
        (14, "date_of_birth", f"“31/12/1980” {date_help}"),
        (15, "coverage_start", f"“2024-02-30” {date_help}"),
        (16, "coverage_end", f"“soon” {date_help}"),
        (17, "coverage_end", "Coverage ends before it starts."),
        (18, "date_of_birth", "Date of birth is not plausible."),
        (19, "date_of_birth", "Date of birth is not plausible."),
        (20, "relationship", "Use employee, spouse, child or dependant."),
        (21, "email", "This is not an email address."),
        (22, "email", "This is not an email address."),
        (23, "first_name", "A name needs at least one letter."),
        (24, "last_name", "A name needs at least one letter."),
        (25, "member_id", "The same member ID is already on row 2."),
        (27, "date_of_birth", f"“{'x' * 40}” {date_help}"),
        (28, "", "Expected 9 values, found 3."),
    ]
    assert (done.status, done.rows_total, done.rejected) == (RosterImport.Status.APPLIED, 2, 24)
    two_lines = RosterEntry.objects.get(member_id="E00022")
    assert (two_lines.last_name, two_lines.last_name_norm) == ("Two\nLines", "twolines")


def test_the_first_failing_check_is_the_one_reported():
    # given a row wrong in many ways: required values come first, then lengths, then dates
    rows = [
        roster_person(1, first_name="", date_of_birth="bad", relationship="cousin"),
        roster_person(2, date_of_birth="bad", coverage_start="worse", relationship="cousin"),
        roster_person(3, coverage_start="2024-01-01", coverage_end="2023-01-01", email="no"),
    ]
    done = _import(SponsorFactory(), roster_csv([*rows, roster_person(4)]))
    assert [(n, c) for n, c, _ in _report(done)] == [
        (2, "first_name"),
        (3, "date_of_birth"),
        (4, "coverage_end"),
    ]


# --- the SQL path equals the Python path ----------------------------------------------------

_DATES = [
    "2024-01-01",
    "1980-02-29",
    "1981-02-29",
    "2024-13-01",
    "2024-00-10",
    "2024-04-31",
    "0000-01-01",
    "0001-01-01",
    "9999-12-31",
    "1/5/1980",
    "01/05/1980",
    "12/31/1980",
    "13/01/1980",
    "00/10/1980",
    "2/30/1980",
    "1/0/1980",
    "1/5/0000",
    "1/5/80",
    "1/ 5/1980",
    "2020-W01-1",
    "2020-W53-7",
    "2021-W53-1",
    "\uff12\uff10\uff12\uff10-01-01",
    "1980-01-1٣",
    "1980/01/01",
    "19800101",
    "1899-12-31",
    "1900-01-01",
    "yesterday",
    "",
]
_NAMES = [
    "José",
    "GARCÍA-LÓPEZ",
    "  Zoë ",
    "\u3000\uff2b\uff49\uff4d\xa0",
    "Straße",
    "Ærø",
    "İlkay",
    "ﬁona",
    "Kelvin\u212a",
    "\u210canna",
    "O'Brien",
    "van der Berg",
    "李",
    "😀",
    "--",
    "A" * 150,
    "Ä" * 151,
    "Tab\tName",
    "Back\\slash",
    "",
]
_EMAILS = [
    "a@b.example",
    "MiXeD@Work.Example",
    "ÜBER@straße.example",
    "İNCE@x.example",
    "no-at-sign",
    "two words@x.example",
    "",
    "x" * 255,
    "\u2003c@d.example",
    "e@f.example\t",
    "\x01g@h.example\x01",
]
# Whitespace at either end of a value, ASCII or not, and the \x01 the SQL path joins values
# with to find such whitespace in one pass: every value here is trimmed as str.strip() does.
_RELATIONSHIPS = [
    *RELATIONSHIPS,
    "SPOUSE",
    " Child ",
    "Domestic Partner",
    "cousin",
    "\u212aid",
    "\u3000spouse",
    "child\x0b",
    "\x01child",
]
_MEMBER_IDS = ["A1", "A2", "a1", " A1", "M" * 64, "M" * 65, "", "\xa0A2", "A2\u2003", "A\x01 "]
_POSTAL_CODES = ["10001", " 10001 ", "1" * 17, "", "\u205f10002", "10002\x1f", "1\x01"]


def _awkward_file(rows: int, seed: int, *, plain: bool) -> bytes:
    """Awkward values in another column order. A plain file (no double quote, backslash,
    blank line or short row) is parsed by PostgreSQL's COPY; any other by the csv module."""
    rnd = random.Random(seed)
    names = [n for n in _NAMES if "\\" not in n] if plain else _NAMES
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(["extra", *reversed(COLUMNS)])  # another order, one column more
    for n in range(rows):
        if n % 37 == 5 and not plain:
            out.write("\r\n" if n % 2 else " \r\n")  # blank lines
            continue
        values = {
            "member_id": rnd.choice(_MEMBER_IDS) if n % 3 == 0 else f"E{n}",
            "first_name": rnd.choice(names),
            "last_name": rnd.choice(names),
            "date_of_birth": rnd.choice(_DATES),
            "email": rnd.choice(_EMAILS),
            "postal_code": rnd.choice(_POSTAL_CODES),
            "relationship": rnd.choice(_RELATIONSHIPS),
            "coverage_start": rnd.choice(_DATES),
            "coverage_end": rnd.choice(["", "", *_DATES]),
        }
        row = [f"x{n}", *(values[c] for c in reversed(COLUMNS))]
        if n % 41 == 7 and not plain:
            row = row[:4]
        writer.writerow(row)
    content = out.getvalue().encode()
    assert not plain or (b'"' not in content and b"\\" not in content)
    return content


def _python_path(content: bytes) -> tuple[list[tuple], list[tuple[int, str, str]]]:
    staged, rejections, first_row = [], [], {}
    for row, rejection in _read_rows(io.BytesIO(content)):
        if rejection is not None:
            rejections.append((rejection.row_number, rejection.column, rejection.reason))
        elif row[1] in first_row:
            first = first_row[row[1]]
            message = f"The same member ID is already on row {first}."
            rejections.append((row[0], "member_id", message))
        else:
            first_row[row[1]] = row[0]
            staged.append(tuple(row[1:]))
    return sorted(staged), sorted(rejections)


@pytest.mark.parametrize(("seed", "plain"), [(1, True), (2, True), (3, False), (4, False)])
def test_the_sql_path_rejects_and_stores_exactly_what_the_python_path_would(seed, plain):
    content = _awkward_file(400, seed, plain=plain)
    expected_staged, expected_rejections = _python_path(content)
    assert expected_staged and expected_rejections  # the file exercises both

    done = _import(SponsorFactory(), content)

    assert sorted(_report(done)) == expected_rejections
    stored = RosterEntry.objects.filter(sponsor=done.sponsor).values_list(
        "member_id",
        "first_name",
        "last_name",
        "first_name_norm",
        "last_name_norm",
        "date_of_birth",
        "email",
        "postal_code",
        "relationship",
        "coverage_start",
        "coverage_end",
    )
    assert sorted(stored) == expected_staged


def test_the_whitespace_trimmed_in_sql_is_what_python_strips():
    import sys

    python = "".join(c for c in map(chr, range(sys.maxunicode + 1)) if c.isspace())
    assert python == _WHITESPACE


def test_relationships_are_decided_on_ascii_letters_alone():
    # SQL lowers ASCII letters only: no other character may lower into a known relationship
    import sys

    for c in map(chr, range(128, sys.maxunicode + 1)):
        lowered = c.lower()
        if lowered.isascii():
            assert not any(lowered in key for key in RELATIONSHIPS), repr(c)


def test_dates_of_every_day_of_a_leap_year_parse_as_python_parses_them():
    days = [date(2024, 1, 1) + timedelta(days=n) for n in range(366)]
    rows = [
        roster_person(n, date_of_birth=f"{d.month}/{d.day}/1980", coverage_start=d.isoformat())
        for n, d in enumerate(days)
    ]
    done = _import(SponsorFactory(), roster_csv(rows))
    assert done.rejected == 0
    stored = dict(
        RosterEntry.objects.filter(sponsor=done.sponsor).values_list("member_id", "coverage_start")
    )
    assert [stored[f"E{n:05d}"] for n in range(366)] == days


def test_the_python_path_sqlite_uses_stages_the_same_rows_and_rejections():
    # `make run` (SQLite) stages with the Python path; run it here on the same file
    from django.db import connection, transaction

    from accounts.services.rosters import STAGED, _stage_file_python

    content = _awkward_file(300, 5, plain=False)
    done = _import(SponsorFactory(), content)
    python_import = roster_import_create(
        sponsor=SponsorFactory(), file=ContentFile(content, name="roster.csv"), uploaded_by=None
    )
    with transaction.atomic():
        staged, rejected = _stage_file_python(python_import)
        with connection.cursor() as cursor:
            table = python_import.staging_table  # our own name, from the import id
            cursor.execute(f"SELECT {', '.join(STAGED)} FROM {table}")  # noqa: S608
            python_rows = sorted(cursor.fetchall())
        python_report = sorted(_report(python_import))
        transaction.set_rollback(True)

    assert (staged, rejected) == (done.rows_total, done.rejected)
    assert python_report == sorted(_report(done))
    stored = RosterEntry.objects.filter(sponsor=done.sponsor).values_list(*STAGED)
    assert sorted(stored) == python_rows


# --- a member ID twice: found at staging, or by the roster's unique index -------------------
#
# A sponsor's first roster is searched for a member ID twice only when the roster's unique
# index finds one as its rows go in (accounts.services.rosters._apply_staged); any other
# roster is searched at staging. The outcome must not depend on which.


def _stored(sponsor) -> list[tuple]:
    return sorted(
        RosterEntry.objects.filter(sponsor=sponsor).values_list("member_id", "first_name", "email")
    )


@pytest.mark.parametrize("plain", [True, False])
def test_a_first_roster_and_a_later_one_reject_the_same_repeated_member_ids(plain):
    content = _awkward_file(400, 5, plain=plain)
    expected_staged, expected_rejections = _python_path(content)
    sponsor = SponsorFactory()
    # the sponsor's first roster: the repeats found by the unique index, then searched for
    first = _import(sponsor, content)
    stored = _stored(sponsor)
    # the same file again, now a later roster: searched for repeats at staging
    later = _import(sponsor, content)
    for done in (first, later):
        assert sorted(_report(done)) == expected_rejections
        assert (done.status, done.rows_total) == (RosterImport.Status.APPLIED, len(expected_staged))
    assert (first.added, later.added, later.updated, later.unchanged) == (
        len(expected_staged),
        0,
        0,
        len(expected_staged),
    )
    assert _stored(sponsor) == stored


def test_a_later_roster_rejects_a_repeat_at_staging_and_keeps_the_first_row():
    # given: a sponsor with a roster, and a file that repeats a member ID
    sponsor = SponsorFactory()
    _import(sponsor, roster_csv([roster_person(1), roster_person(2)]))
    rows = [roster_person(1), roster_person(2), roster_person(1, first_name="Again")]
    # when
    done = _import(sponsor, roster_csv(rows))
    # then: the repeat is rejected, as on any roster, and the first row is kept
    assert (done.rows_total, done.rejected, done.added, done.unchanged) == (2, 1, 0, 2)
    assert _report(done) == [(4, "member_id", "The same member ID is already on row 2.")]
    assert RosterEntry.objects.get(sponsor=sponsor, member_id=roster_person(1)["member_id"])
