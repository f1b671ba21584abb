"""Roster imports: one path for the upload page, the API and `manage.py import_roster`.

A file is a full replacement of a sponsor's roster. It is read as a stream (memory does not
grow with the file), each valid row is written with PostgreSQL COPY into a staging table of
its own, and the difference is applied with a few set-based statements: people new to the
file are added, changed people updated, people missing from it have their coverage ended.
Nobody is deleted, and importing the same file twice changes nothing.
"""

import csv
import io
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, datetime
from typing import IO, Any

import psycopg
from django.conf import settings
from django.core.files import File
from django.db import DatabaseError, IntegrityError, connection, transaction
from django.utils import timezone

from accounts.eligibility_matching import normalise_name
from accounts.models import RosterEntry, RosterImport, RosterImportRejection, Sponsor, User
from accounts.services.audit import Action, audit_record
from therapy.celery import task_send
from therapy.errors import ApplicationError

COLUMNS = (
    "member_id",
    "first_name",
    "last_name",
    "date_of_birth",
    "email",
    "postal_code",
    "relationship",
    "coverage_start",
    "coverage_end",
)
# The roster columns that come from the file, in staging-table order.
STAGED = (
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
RELATIONSHIPS = {
    "": "employee",
    "self": "employee",
    "employee": "employee",
    "member": "employee",
    "subscriber": "employee",
    "spouse": "spouse",
    "partner": "spouse",
    "domestic partner": "spouse",
    "child": "child",
    "dependent": "other",
    "dependant": "other",
    "other": "other",
}
_REJECTION_BATCH = 1000
_SQLITE_BATCH = 1000


class RosterFileError(Exception):
    """The file as a whole cannot be used; the roster in force stays as it was."""


@dataclass(frozen=True)
class Rejection:
    row_number: int
    column: str
    reason: str


def parse_roster_date(value: str) -> date:
    """YYYY-MM-DD, or MM/DD/YYYY as many HR systems export it."""
    if len(value) == 10 and value[4] == "-":
        return date.fromisoformat(value)  # the common case, without strptime's cost
    return datetime.strptime(value, "%m/%d/%Y").date()  # noqa: DTZ007 - a date, no zone


_Cleaned = tuple[tuple, None] | tuple[None, Rejection]
# The reject report's messages, shared by the SQL path (PostgreSQL) and the Python path.
_REQUIRED = "This value is required."
_TOO_LONG = "This value is too long."
_POSTAL_TOO_LONG = "Longer than 16 characters."
_DATE_HELP = "is not a date (use YYYY-MM-DD or MM/DD/YYYY)."
_ENDS_BEFORE = "Coverage ends before it starts."
_DOB_IMPLAUSIBLE = "Date of birth is not plausible."
_RELATIONSHIP = "Use employee, spouse, child or dependant."
_NOT_EMAIL = "This is not an email address."
_NO_LETTER = "A name needs at least one letter."
_DUPLICATE = "The same member ID is already on row"


def _clean_row(values: list[str], row_number: int, today: date) -> _Cleaned:
    """Check one row (values in COLUMNS order) and return what goes into staging.

    Runs once per row of files with millions of rows: plain indexing, no per-row lookups of
    settings or the clock.
    """
    member_id, first, last, dob_raw, email, postal, relationship_raw, start_raw, end_raw = values
    for column, value in (
        ("member_id", member_id),
        ("first_name", first),
        ("last_name", last),
        ("date_of_birth", dob_raw),
        ("coverage_start", start_raw),
    ):
        if not value:
            return None, Rejection(row_number, column, _REQUIRED)
    if len(member_id) > 64 or len(first) > 150 or len(last) > 150 or len(email) > 254:
        column = next(
            c
            for c, v, limit in (
                ("member_id", member_id, 64),
                ("first_name", first, 150),
                ("last_name", last, 150),
                ("email", email, 254),
            )
            if len(v) > limit
        )
        return None, Rejection(row_number, column, _TOO_LONG)
    if len(postal) > 16:
        return None, Rejection(row_number, "postal_code", _POSTAL_TOO_LONG)
    try:
        dob = parse_roster_date(dob_raw)
    except ValueError:
        return None, Rejection(row_number, "date_of_birth", f"“{dob_raw[:40]}” {_DATE_HELP}")
    try:
        start = parse_roster_date(start_raw)
    except ValueError:
        return None, Rejection(row_number, "coverage_start", f"“{start_raw[:40]}” {_DATE_HELP}")
    end = None
    if end_raw:
        try:
            end = parse_roster_date(end_raw)
        except ValueError:
            return None, Rejection(row_number, "coverage_end", f"“{end_raw[:40]}” {_DATE_HELP}")
        if end < start:
            return None, Rejection(row_number, "coverage_end", _ENDS_BEFORE)
    if dob > today or dob.year < 1900:
        return None, Rejection(row_number, "date_of_birth", _DOB_IMPLAUSIBLE)
    relationship = RELATIONSHIPS.get(relationship_raw.lower())
    if relationship is None:
        return None, Rejection(row_number, "relationship", _RELATIONSHIP)
    if email:
        email = email.lower()
        if "@" not in email or " " in email:
            return None, Rejection(row_number, "email", _NOT_EMAIL)
    first_norm = normalise_name(first)
    last_norm = normalise_name(last)
    if not first_norm or not last_norm:
        column = "first_name" if not first_norm else "last_name"
        return None, Rejection(row_number, column, _NO_LETTER)
    row = (row_number, member_id, first, last, first_norm, last_norm, dob, email, postal)
    return (*row, relationship, start, end), None


_NOT_UTF8 = "The file is not UTF-8 text. Save it as “CSV UTF-8” and upload it again."


def _read_header(reader: Iterator[list[str]]) -> tuple[list[int], int]:
    """(the file column of each of COLUMNS, the number of columns), or RosterFileError."""
    header = next(reader, None)
    if header is None or not any(h.strip() for h in header):
        raise RosterFileError("The file is empty.")
    names = [h.strip().lower() for h in header]
    missing = [c for c in COLUMNS if c not in names]
    if missing:
        raise RosterFileError(
            "The file is missing these columns: "
            + ", ".join(missing)
            + ". The first line must name the columns: "
            + ", ".join(COLUMNS)
            + "."
        )
    return [names.index(c) for c in COLUMNS], len(names)


def _read_rows(binary: IO[bytes]) -> Iterator[tuple[tuple | None, Rejection | None]]:
    """Yield (staged row, None) or (None, rejection) for every line of the file, streaming."""
    text = io.TextIOWrapper(binary, encoding="utf-8-sig", newline="")
    reader = csv.reader(text)
    try:
        indexes, width = _read_header(reader)
        today = timezone.localdate()
        for line_index, raw in enumerate(reader, start=2):
            if not raw or (len(raw) == 1 and not raw[0].strip()):
                continue  # a blank line
            if len(raw) != width:
                yield None, Rejection(line_index, "", f"Expected {width} values, found {len(raw)}.")
                continue
            yield _clean_row([raw[i].strip() for i in indexes], line_index, today)
    except UnicodeDecodeError as exc:
        raise RosterFileError(_NOT_UTF8) from exc
    except csv.Error as exc:
        raise RosterFileError(f"The file is not a readable CSV file ({exc}).") from exc
    finally:
        text.detach()


def _staging_columns_sql() -> str:
    return (
        "row_number integer NOT NULL, member_id varchar(64) NOT NULL, "
        "first_name varchar(150) NOT NULL, last_name varchar(150) NOT NULL, "
        "first_name_norm varchar(150) NOT NULL, last_name_norm varchar(150) NOT NULL, "
        "date_of_birth date NOT NULL, email varchar(254) NOT NULL, "
        "postal_code varchar(16) NOT NULL, relationship varchar(16) NOT NULL, "
        "coverage_start date NOT NULL, coverage_end date"
    )


def _is_postgres() -> bool:
    return connection.vendor == "postgresql"


def _plan_for_bulk() -> None:
    """Both sides of every join here are whole rosters: hash joins, never nested loops.

    Right after a big import the roster's statistics can still say "a handful of rows", and
    the planner then picks a nested-loop anti-join that is quadratic in the roster's size.
    """
    if _is_postgres():
        with connection.cursor() as cursor:
            cursor.execute("SET LOCAL enable_nestloop = off")
            # Hash tables of a whole roster (member IDs, distinct dates) stay in memory.
            cursor.execute("SET LOCAL work_mem = '64MB'")


def _drop_staging(roster_import: RosterImport) -> None:
    with connection.cursor() as cursor:
        cursor.execute(f"DROP TABLE IF EXISTS {roster_import.staging_table}")
        cursor.execute(f"DROP TABLE IF EXISTS {roster_import.staging_table}_raw")


def _save_rejections(roster_import: RosterImport, batch: list[Rejection]) -> None:
    RosterImportRejection.objects.bulk_create(
        RosterImportRejection(
            roster_import=roster_import, row_number=r.row_number, column=r.column, reason=r.reason
        )
        for r in batch
    )


def _stage_file(roster_import: RosterImport) -> tuple[int, int]:
    """Stage the file in the import's staging table. Returns (rows staged, rows rejected)."""
    if _is_postgres():
        return _stage_file_sql(roster_import)
    return _stage_file_python(roster_import)


def _stage_file_python(roster_import: RosterImport) -> tuple[int, int]:
    """The reference path (SQLite, `make run`): every row checked by `_clean_row` in Python."""
    table = roster_import.staging_table
    staged = rejected = 0
    pending: list[Rejection] = []
    with connection.cursor() as cursor:
        cursor.execute(f"DROP TABLE IF EXISTS {table}")
        cursor.execute(f"CREATE TABLE {table} ({_staging_columns_sql()})")
        insert = f"INSERT INTO {table} VALUES ({', '.join(['%s'] * (len(STAGED) + 1))})"
        batch: list[tuple] = []
        with roster_import.file.open("rb") as binary:
            for row, rejection in _read_rows(binary):
                if row is not None:
                    batch.append(row)
                    if len(batch) >= _SQLITE_BATCH:
                        cursor.executemany(insert, batch)
                        staged += len(batch)
                        batch = []
                elif rejection is not None:
                    pending.append(rejection)
        if batch:
            cursor.executemany(insert, batch)
            staged += len(batch)
        rejected += len(pending)
        _save_rejections(roster_import, pending)

        # A member ID twice in one file: keep the first row, reject the later ones.
        cursor.execute(
            f"""
            WITH firsts AS (
                SELECT member_id, MIN(row_number) AS first_row FROM {table}
                GROUP BY member_id HAVING COUNT(*) > 1
            )
            SELECT s.row_number, f.first_row FROM {table} s
            JOIN firsts f ON f.member_id = s.member_id
            WHERE s.row_number > f.first_row
            """
        )
        duplicates = cursor.fetchall()
        if duplicates:
            _save_rejections(
                roster_import,
                [Rejection(n, "member_id", f"{_DUPLICATE} {first}.") for n, first in duplicates],
            )
            cursor.execute(
                f"DELETE FROM {table} WHERE row_number IN ({', '.join(['%s'] * len(duplicates))})",
                [n for n, _ in duplicates],
            )
            staged -= len(duplicates)
            rejected += len(duplicates)
    return staged, rejected


# --- the SQL path (PostgreSQL) ------------------------------------------------------------
#
# The file goes into a raw table of text columns, one per file column. A plain file (no
# double quote, no backslash, every record as wide as the header, no blank line) is parsed by
# PostgreSQL's own COPY; any other file is split into records by Python's csv module, exactly
# as the Python path reads it. Either way the row numbers are the Python path's.
#
# Then everything is SQL, check for check in `_clean_row`'s order with its messages: one pass
# over the raw rows writes the staging table, rejected rows included with their reason, and
# one statement moves those to the reject report. Dates and names are worked out once per
# distinct value (rosters repeat them a lot) in a lookup table. What SQL cannot decide exactly
# is handed to Python once per distinct value: dates of any other shape than YYYY-MM-DD or
# M/D/YYYY with ASCII digits, and names and emails with non-ASCII letters (Unicode case
# folding and accent stripping).

# Python's str.strip() removes every character for which str.isspace() is true.
_WHITESPACE = (
    "\t\n\x0b\x0c\r\x1c\x1d\x1e\x1f \x85\xa0\u1680\u2000\u2001\u2002\u2003\u2004\u2005"
    "\u2006\u2007\u2008\u2009\u200a\u2028\u2029\u202f\u205f\u3000"
)
_UPPER = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
# The ASCII characters `normalise_name` drops (all but letters and digits; NUL cannot occur).
_ASCII_NOT_ALNUM = "".join(chr(c) for c in range(1, 128) if not chr(c).isalnum())
_COPY_BLOCK = 1 << 20
_COPY_BATCH = 5000
_ISO_DATE = "^[0-9]{4}-[0-9]{2}-[0-9]{2}$"
_US_DATE = "^[0-9]{1,2}/[0-9]{1,2}/[0-9]{4}$"


class _NotPlain(Exception):
    """The file needs Python's csv module to be read exactly as the Python path reads it."""


def _literal(value: str) -> str:
    return "'" + value.replace("'", "''") + "'"


def _copy_escape(value: str) -> str:
    return (
        value.replace("\\", "\\\\").replace("\t", "\\t").replace("\n", "\\n").replace("\r", "\\r")
    )


def _create_raw(cursor: Any, raw_table: str, width: int, *, numbered: bool) -> None:
    columns = ", ".join(f"c{i} text" for i in range(width))
    # CACHE: a million rows take their numbers without a sequence buffer lock each.
    identity = "GENERATED ALWAYS AS IDENTITY (START WITH 2 CACHE 10000)"
    row_number = f"integer {identity}" if numbered else "integer"
    cursor.execute(f"DROP TABLE IF EXISTS {raw_table}")
    cursor.execute(
        f"CREATE UNLOGGED TABLE {raw_table} (row_number {row_number}, found integer, {columns})"
    )


def _copy_plain(cursor: Any, binary: IO[bytes], raw_table: str, width: int) -> None:
    """PostgreSQL parses the records. Raises _NotPlain (or a database error) for anything the
    csv module might read differently: a double quote or backslash anywhere, a blank line, a
    record of another width, mixed line endings, bytes that are not UTF-8."""
    _create_raw(cursor, raw_table, width, numbered=True)
    columns = ", ".join(f"c{i}" for i in range(width))
    with cursor.copy(f"COPY {raw_table} ({columns}) FROM STDIN WITH (FORMAT csv)") as copy:
        while block := binary.read(_COPY_BLOCK):
            if b'"' in block or b"\\" in block:
                raise _NotPlain
            copy.write(block)


def _copy_records(cursor: Any, text: IO[str], raw_table: str, width: int) -> None:
    """The csv module splits the records (quoting, line breaks inside values, blank lines) and
    they are copied as text, with their row numbers. A record of the wrong width is copied as
    its row number and the number of values found (`found`), for the SQL pass to reject."""
    _create_raw(cursor, raw_table, width, numbered=False)
    tabs = width - 1
    no_values = "\t\\N" * width
    lines: list[str] = []
    # readlines() in blocks: iterating the file itself checks Django's File.closed per line.
    blocks = iter(lambda: text.readlines(_COPY_BLOCK), [])
    reader = csv.reader(line for block in blocks for line in block)
    with cursor.copy(f"COPY {raw_table} FROM STDIN") as copy:
        for line_index, raw in enumerate(reader, start=2):
            if len(raw) == width:
                line = "\t".join(raw)
                if "\\" in line or "\n" in line or "\r" in line or line.count("\t") != tabs:
                    line = "\t".join(_copy_escape(v) for v in raw)
                lines.append(f"{line_index}\t\\N\t{line}\n")
            elif not raw or (len(raw) == 1 and not raw[0].strip()):
                continue  # a blank line
            else:
                lines.append(f"{line_index}\t{len(raw)}{no_values}\n")
            if len(lines) >= _COPY_BATCH:
                copy.write("".join(lines))
                lines = []
        copy.write("".join(lines))


def _load_raw(cursor: Any, roster_import: RosterImport, raw_table: str) -> tuple[list[int], int]:
    """The file into `raw_table`. Returns (the file column of each of COLUMNS, the width)."""
    with roster_import.file.open("rb") as binary:
        first = binary.readline()
        try:
            header = first.decode("utf-8-sig")
        except UnicodeDecodeError as exc:
            raise RosterFileError(_NOT_UTF8) from exc
        if '"' not in header and "\\" not in header:
            indexes, width = _read_header(csv.reader([header]))
            try:
                with transaction.atomic():
                    _copy_plain(cursor, binary, raw_table, width)
                return indexes, width
            except (_NotPlain, DatabaseError, psycopg.Error):
                pass
        binary.seek(0)
        text = io.TextIOWrapper(binary, encoding="utf-8-sig", newline="")
        try:
            reader = csv.reader(text)
            indexes, width = _read_header(reader)
            _copy_records(cursor, text, raw_table, width)
        except UnicodeDecodeError as exc:
            raise RosterFileError(_NOT_UTF8) from exc
        except csv.Error as exc:
            raise RosterFileError(f"The file is not a readable CSV file ({exc}).") from exc
        finally:
            text.detach()
    return indexes, width


def _lower_ascii(expr: str) -> str:
    """ASCII letters in lower case, whatever the database's locale: under the "C" collation
    lower() changes A-Z alone (translate() would be many times slower)."""
    return f'lower(({expr}) COLLATE "C")'


def _is_ascii(value: str) -> str:
    return f"octet_length({value}) = length({value})"


def _date_sql(y: str, m: str, d: str) -> str:
    """The date y-m-d, or NULL when there is none (month 13, 30 February, year 0)."""
    first = f"make_date({y}, {m}, 1)"
    return (
        f"CASE WHEN {y} >= 1 AND {m} BETWEEN 1 AND 12 AND {d} BETWEEN 1 AND 31"
        f" AND date_part('month', {first} + ({d} - 1)) = {m}"
        f" THEN {first} + ({d} - 1) END"
    )


def _build_lookups(cursor: Any, raw_table: str, columns: dict[str, str], lookup: str) -> None:
    """Two tables keyed by the value as it is in the file: every distinct date (`{lookup}_d`)
    and name (`{lookup}_n`), with the value trimmed and what the Python path makes of it
    (`parse_roster_date`, `normalise_name`); and every non-ASCII email (`{lookup}_e`) lowered.
    SQL decides ISO and US dates with ASCII digits and ASCII names; Python the rest, once per
    distinct value."""
    whitespace = _literal(_WHITESPACE)
    iso = _date_sql(
        "substr(value, 1, 4)::int", "substr(value, 6, 2)::int", "substr(value, 9, 2)::int"
    )
    us = _date_sql(
        "split_part(value, '/', 3)::int",
        "split_part(value, '/', 1)::int",
        "split_part(value, '/', 2)::int",
    )
    c = columns

    def distinct(*names: str) -> str:
        # A DISTINCT per column, then over their few results: one hash of a column's own
        # values each (the coverage dates have a handful), not one over every value of all.
        each = " UNION ALL ".join(
            f"SELECT DISTINCT {c[name]} AS raw FROM {raw_table} r" for name in names
        )
        return f"SELECT DISTINCT raw FROM ({each}) each_column"

    sources = {
        "d": distinct("date_of_birth", "coverage_start", "coverage_end"),
        "n": distinct("first_name", "last_name"),
        "e": f"SELECT DISTINCT {c['email']} AS raw FROM {raw_table} r"
        f" WHERE NOT {_is_ascii(c['email'])}",
    }
    decided = {
        "d": f"value ~ '{_ISO_DATE}' OR value ~ '{_US_DATE}'",
        "n": _is_ascii("value"),
        "e": "false",
    }
    results = {
        "d": f"CASE WHEN value ~ '{_ISO_DATE}' THEN {iso} ELSE {us} END",
        "n": f"translate(value, {_literal(_UPPER + _ASCII_NOT_ALNUM)}, '{_UPPER.lower()}')",
        "e": "NULL",
    }
    types = {"d": "date", "n": "text", "e": "text"}  # dates parsed once, not once per row
    for kind, source in sources.items():
        table = f"{lookup}_{kind}"
        cursor.execute(
            f"""
            CREATE TEMPORARY TABLE {table} ON COMMIT DROP AS
            SELECT raw, value, {decided[kind]} AS decided, NULL::{types[kind]} AS result
            FROM (SELECT raw, btrim(raw, {whitespace}) AS value FROM ({source}) s
                  WHERE raw IS NOT NULL) v
            """
        )
        cursor.execute(f"UPDATE {table} SET result = {results[kind]} WHERE decided")
        cursor.execute(f"DELETE FROM {table} WHERE NOT decided RETURNING raw, value")
        undecided = cursor.fetchall()
        if undecided:
            with cursor.copy(f"COPY {table} (raw, value, decided, result) FROM STDIN") as copy:
                for raw, value in undecided:
                    if kind == "d":
                        try:
                            result: str | None = parse_roster_date(value).isoformat()
                        except ValueError:
                            result = None
                    elif kind == "n":
                        result = normalise_name(value)
                    else:
                        result = value.lower()
                    copy.write_row((raw, value, True, result))
        cursor.execute(f"ANALYZE {table}")  # small; the join below must hash it, not the file


def _longer_than(column: str, limit: int) -> str:
    """More than `limit` characters. The byte count is free, and no shorter than the count of
    characters, which has to walk the text: it is counted only when the bytes are over."""
    return f"octet_length({column}) > {limit} AND length({column}) > {limit}"


def _edge_whitespace_pattern() -> str:
    """A regular expression that finds whitespace at the start or end of any of several
    values joined with \\x01: `str.strip()` would change nothing where it finds none."""
    space = f"[{_WHITESPACE}]"
    return f"(^|\x01){space}|{space}(\x01|$)"


# `_clean_row`'s checks, in its order: (condition, column, message as SQL).
def _checks_sql(width: int) -> list[tuple[str, str, str]]:
    def date_message(column: str) -> str:
        return f"'“' || substr({column}, 1, 40) || {_literal('” ' + _DATE_HELP)}"

    checks = [("found IS NOT NULL", "", f"'Expected {width} values, found ' || found || '.'")]
    checks += [
        (f"{c} = ''", c, _literal(_REQUIRED))
        for c in ("member_id", "first_name", "last_name", "date_of_birth", "coverage_start")
    ]
    checks += [
        (_longer_than(c, limit), c, _literal(_TOO_LONG))
        for c, limit in (("member_id", 64), ("first_name", 150), ("last_name", 150), ("email", 254))
    ]
    checks += [
        (_longer_than("postal_code", 16), "postal_code", _literal(_POSTAL_TOO_LONG)),
        ("dob IS NULL", "date_of_birth", date_message("date_of_birth")),
        ("start_on IS NULL", "coverage_start", date_message("coverage_start")),
        ("coverage_end <> '' AND end_on IS NULL", "coverage_end", date_message("coverage_end")),
        ("end_on < start_on", "coverage_end", _literal(_ENDS_BEFORE)),
        ("dob > %(today)s OR dob < DATE '1900-01-01'", "date_of_birth", _literal(_DOB_IMPLAUSIBLE)),
        ("relationship_kind IS NULL", "relationship", _literal(_RELATIONSHIP)),
        (
            "email_lower <> '' AND (strpos(email_lower, '@') = 0 OR strpos(email_lower, ' ') > 0)",
            "email",
            _literal(_NOT_EMAIL),
        ),
        ("first_norm = ''", "first_name", _literal(_NO_LETTER)),
        ("last_norm = ''", "last_name", _literal(_NO_LETTER)),
    ]
    return checks


def _stage_file_sql(roster_import: RosterImport) -> tuple[int, int]:
    table = roster_import.staging_table
    raw_table, lookup = f"{table}_raw", f"{table}_lookup"
    with connection.cursor() as django_cursor:
        cursor = django_cursor.cursor  # psycopg's own: COPY, and no %-escaping of our SQL
        indexes, width = _load_raw(cursor, roster_import, raw_table)
        whitespace = _literal(_WHITESPACE)
        c = {name: f"r.c{i}" for name, i in zip(COLUMNS, indexes, strict=True)}
        _build_lookups(cursor, raw_table, c, lookup)
        relationships = " ".join(
            f"WHEN {_literal(raw)} THEN {_literal(kind)}" for raw, kind in RELATIONSHIPS.items()
        )
        checks = _checks_sql(width)
        problem = " ".join(f"WHEN {cond} THEN {n}" for n, (cond, _, _) in enumerate(checks))
        column = " ".join(f"WHEN {n} THEN '{c}'" for n, (_, c, _) in enumerate(checks))
        reason = " ".join(f"WHEN {n} THEN {m}" for n, (_, _, m) in enumerate(checks))

        email_is_ascii = _is_ascii(f"coalesce({c['email']}, '')")

        # btrim() with the Unicode whitespace is the costliest call of the pass: values that
        # need no trimming are found first, with one regular expression over the row's values
        # that are not looked up (a NULL, a short row, takes the btrim() way too).
        trimmed = ("member_id", "email", "postal_code", "relationship")
        joined = " || E'\\x01' || ".join(c[name] for name in trimmed)
        edges = _literal(_edge_whitespace_pattern())

        def trim(name: str) -> str:
            return (
                f"CASE WHEN r.no_edge_space THEN {c[name]}"
                f" ELSE coalesce(btrim({c[name]}, {whitespace}), '') END"
            )

        def looked_up(alias: str, kind: str, name: str) -> str:
            return f"LEFT JOIN {lookup}_{kind} {alias} ON {alias}.raw = {c[name]}"

        cursor.execute(f"DROP TABLE IF EXISTS {table}")
        cursor.execute(
            f"""
            CREATE UNLOGGED TABLE {table} (
                row_number integer NOT NULL, member_id text, first_name text, last_name text,
                first_name_norm text, last_name_norm text, date_of_birth date, email text,
                postal_code text, relationship text, coverage_start date, coverage_end date,
                problem_column text, problem_reason text)
            """
        )
        # OFFSET 0 keeps a subquery a level of its own: each value is trimmed, looked up and
        # lowered once per row, however often the checks refer to it.
        cursor.execute(
            f"""
            INSERT INTO {table}
            SELECT row_number, member_id, first_name, last_name, first_norm, last_norm, dob,
                   email_lower, postal_code, relationship_kind, start_on, end_on,
                   CASE WHEN problem IS NOT NULL THEN CASE problem {column} END END,
                   CASE WHEN problem IS NOT NULL THEN CASE problem {reason} END END
            FROM (
                SELECT t.*, CASE {problem} END AS problem
                FROM (
                    SELECT r.row_number, r.found,
                        {trim("member_id")} AS member_id,
                        coalesce(first_norm.value, '') AS first_name,
                        coalesce(last_norm.value, '') AS last_name,
                        coalesce(dob.value, '') AS date_of_birth,
                        coalesce(start_on.value, '') AS coverage_start,
                        coalesce(end_on.value, '') AS coverage_end,
                        {trim("email")} AS email,
                        {trim("postal_code")} AS postal_code,
                        CASE {_lower_ascii(trim("relationship"))} {relationships} END
                            AS relationship_kind,
                        CASE WHEN {email_is_ascii} THEN {_lower_ascii(trim("email"))}
                            ELSE (SELECT e.result FROM {lookup}_e e WHERE e.raw = {c["email"]})
                            END AS email_lower,
                        dob.result AS dob, start_on.result AS start_on,
                        end_on.result AS end_on,
                        first_norm.result AS first_norm, last_norm.result AS last_norm
                    FROM (
                        SELECT r.*, ({joined}) !~ {edges} AS no_edge_space FROM {raw_table} r
                        OFFSET 0
                    ) r
                    {looked_up("dob", "d", "date_of_birth")}
                    {looked_up("start_on", "d", "coverage_start")}
                    {looked_up("end_on", "d", "coverage_end")}
                    {looked_up("first_norm", "n", "first_name")}
                    {looked_up("last_norm", "n", "last_name")}
                    OFFSET 0
                ) t
                OFFSET 0
            ) checked
            """,
            {"today": timezone.localdate()},
        )
        copied = cursor.rowcount
        cursor.execute(f"DROP TABLE {raw_table}")
        # The rejected rows to the report.
        cursor.execute(
            f"""
            WITH rejected AS (
                DELETE FROM {table} WHERE problem_reason IS NOT NULL
                RETURNING row_number, problem_column, problem_reason
            )
            INSERT INTO accounts_rosterimportrejection
                (roster_import_id, row_number, "column", reason)
            SELECT %(import_id)s, row_number, problem_column, problem_reason FROM rejected
            """,
            {"import_id": roster_import.pk},
        )
        rejected = cursor.rowcount
        # No ANALYZE: with no statistics the planner sizes a table from its pages, which is
        # all the hash joins of the apply need, and sampling a million rows took longer.
    # A sponsor's first roster: its rows go in with nothing to compare them to, and the
    # roster's unique index finds a member ID twice as they do (_apply_staged); only then is
    # the file searched for it. Most files have none, and the search is a sixteenth of a large
    # import. Any other roster is compared with the file, so the file must be searched first.
    # (The caller holds the sponsor locked from before staging to the apply: the answer cannot
    # change in between.)
    if _sponsor_has_roster(roster_import.sponsor_id):
        rejected += _reject_duplicates(roster_import)
    return copied - rejected, rejected


def _sponsor_has_roster(sponsor_id: int) -> bool:
    return RosterEntry.objects.filter(sponsor_id=sponsor_id).exists()


def _reject_duplicates(roster_import: RosterImport) -> int:
    """A member ID twice in one file: keep the first row, reject the later ones (to the
    report). Returns how many were rejected. PostgreSQL's staging table."""
    table = roster_import.staging_table
    with connection.cursor() as django_cursor:
        cursor = django_cursor.cursor
        # Member IDs are grouped by their hash first: a hash table of a million integers
        # stays in memory, one of a million texts did not.
        cursor.execute(
            f"""
            WITH firsts AS (
                SELECT member_id, MIN(row_number) AS first_row FROM {table}
                WHERE hashtext(member_id) IN (
                    SELECT hashtext(member_id) FROM {table} GROUP BY 1 HAVING COUNT(*) > 1)
                GROUP BY member_id HAVING COUNT(*) > 1
            ), later AS (
                DELETE FROM {table} s USING firsts f
                WHERE s.member_id = f.member_id AND s.row_number > f.first_row
                RETURNING s.row_number, f.first_row
            )
            INSERT INTO accounts_rosterimportrejection
                (roster_import_id, row_number, "column", reason)
            SELECT %(import_id)s, row_number, 'member_id',
                   %(duplicate)s || ' ' || first_row || '.'
            FROM later
            """,
            {"import_id": roster_import.pk, "duplicate": _DUPLICATE},
        )
        return int(cursor.rowcount)


def _count_would_end(roster_import: RosterImport) -> tuple[int, int]:
    """(people the file would end, people covered now) for the sponsor."""
    with connection.cursor() as cursor:
        # Two statements: NOT EXISTS inside a FILTER would run once per row, not as an anti-join.
        cursor.execute(
            f"""
            SELECT COUNT(*) FROM accounts_rosterentry r
            WHERE r.sponsor_id = %s AND r.ended_on IS NULL
              AND NOT EXISTS (
                  SELECT 1 FROM {roster_import.staging_table} s WHERE s.member_id = r.member_id)
            """,
            [roster_import.sponsor_id],
        )
        (would_end,) = cursor.fetchone()
        cursor.execute(
            "SELECT COUNT(*) FROM accounts_rosterentry WHERE sponsor_id = %s AND ended_on IS NULL",
            [roster_import.sponsor_id],
        )
        (current,) = cursor.fetchone()
    return would_end, current


def _distinct(left: str, right: str) -> str:
    op = "IS DISTINCT FROM" if _is_postgres() else "IS NOT"
    return f"{left} {op} {right}"


def _apply_staged(roster_import: RosterImport) -> dict[str, int]:
    """Apply the staged file to the roster with set-based SQL. Caller holds the sponsor lock,
    as it did when the file was staged. "duplicates": rows rejected here for a member ID twice
    in a sponsor's first roster (the other rosters' were rejected at staging)."""
    table = roster_import.staging_table
    sponsor_id = roster_import.sponsor_id
    today = timezone.localdate()
    now = timezone.now()
    file_columns = [c for c in STAGED if c != "member_id"]
    changed = " OR ".join(
        [_distinct(f"r.{c}", f"s.{c}") for c in file_columns] + ["r.ended_on IS NOT NULL"]
    )
    assignments = ", ".join(f"{c} = s.{c}" for c in file_columns)
    columns = ", ".join(STAGED)
    selected = ", ".join(f"s.{c}" for c in STAGED)
    insert = f"""
        INSERT INTO accounts_rosterentry (sponsor_id, {columns}, created_at, updated_at)
        SELECT %s, {selected}, %s, %s FROM {table} s
    """
    with connection.cursor() as cursor:
        if not _sponsor_has_roster(sponsor_id):
            # The sponsor's first roster: every row is new, and nobody to compare or end. The
            # unique index finds a member ID twice in the file; the file is then searched for
            # it (keep the first row) and the rows go in again.
            duplicates = 0
            try:
                with transaction.atomic():
                    cursor.execute(insert, [sponsor_id, now, now])
            except IntegrityError as exc:
                if not isinstance(exc.__cause__, psycopg.errors.UniqueViolation):
                    raise
                duplicates = _reject_duplicates(roster_import)
                cursor.execute(insert, [sponsor_id, now, now])
            added = cursor.rowcount
            cursor.execute(f"DROP TABLE {table}")
            return {"added": added, "updated": 0, "ended": 0, "duplicates": duplicates}
        cursor.execute(
            f"""
            UPDATE accounts_rosterentry AS r
            SET {assignments}, ended_on = NULL, ended_by_import_id = NULL, updated_at = %s
            FROM {table} AS s
            WHERE r.sponsor_id = %s AND r.member_id = s.member_id AND ({changed})
            """,
            [now, sponsor_id],
        )
        updated = cursor.rowcount
        cursor.execute(
            f"""
            UPDATE accounts_rosterentry AS r
            SET ended_on = %s, ended_by_import_id = %s, updated_at = %s
            WHERE r.sponsor_id = %s AND r.ended_on IS NULL
              AND NOT EXISTS (SELECT 1 FROM {table} s WHERE s.member_id = r.member_id)
            """,
            [today, roster_import.pk, now, sponsor_id],
        )
        ended = cursor.rowcount
        cursor.execute(
            f"""
            {insert}
            WHERE NOT EXISTS (
                SELECT 1 FROM accounts_rosterentry r
                WHERE r.sponsor_id = %s AND r.member_id = s.member_id
            )
            """,
            [sponsor_id, now, now, sponsor_id],
        )
        added = cursor.rowcount
        cursor.execute(f"DROP TABLE {table}")
    return {"added": added, "updated": updated, "ended": ended, "duplicates": 0}


def _file_discard(roster_import: RosterImport) -> None:
    """Delete the uploaded file once the import is over (applied, failed or cancelled): it
    holds names, birth dates and emails, and the roster table keeps what is needed. After
    commit, so a rolled-back import keeps its file."""
    import_id, name = roster_import.pk, roster_import.file.name
    if not name:
        return

    def discard() -> None:
        storage = RosterImport._meta.get_field("file").storage
        storage.delete(name)
        RosterImport.objects.filter(pk=import_id, file=name).update(file="")

    transaction.on_commit(discard)


def roster_uploads_sweep() -> int:
    """Delete the files of finished imports still on disk (a crash between commit and delete,
    or imports from before files were deleted). Returns how many were deleted."""
    finished = [
        RosterImport.Status.APPLIED,
        RosterImport.Status.FAILED,
        RosterImport.Status.CANCELLED,
    ]
    done = 0
    for roster_import in RosterImport.objects.filter(status__in=finished).exclude(file=""):
        _file_discard(roster_import)
        done += 1
    return done


def _fail(roster_import: RosterImport, message: str) -> RosterImport:
    roster_import.status = RosterImport.Status.FAILED
    roster_import.error = message
    roster_import.finished_at = timezone.now()
    roster_import.save(update_fields=["status", "error", "finished_at"])
    _file_discard(roster_import)
    return roster_import


def _claim(import_id: int, *, from_status: str) -> bool:
    """Move an import out of `from_status` exactly once; redelivered tasks find nothing."""
    return bool(
        RosterImport.objects.filter(pk=import_id, status=from_status).update(
            status=RosterImport.Status.PROCESSING
        )
    )


def _lock_sponsor(roster_import: RosterImport) -> None:
    """Hold the import's sponsor until commit: one import of a sponsor at a time, from its
    staging (which looks at the sponsor's roster) to its apply. The lock also keeps the sponsor
    in place, so the rows written here skip the per-row sponsor check (accounts migration
    0013), a third of a large import."""
    sponsor = Sponsor.objects.select_for_update().filter(pk=roster_import.sponsor_id).first()
    if sponsor is not None and _is_postgres():
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT set_config('therapy.roster_locked_sponsor', %s, true)", [str(sponsor.pk)]
            )


def _apply_and_record(roster_import: RosterImport) -> RosterImport:
    _lock_sponsor(roster_import)  # a confirmed import's new transaction takes it again
    counts = _apply_staged(roster_import)
    late = counts.pop("duplicates")  # rows the report gained while applying
    roster_import.rows_total -= late
    roster_import.rejected += late
    for name, value in counts.items():
        setattr(roster_import, name, value)
    roster_import.unchanged = roster_import.rows_total - counts["added"] - counts["updated"]
    roster_import.status = RosterImport.Status.APPLIED
    roster_import.finished_at = timezone.now()
    roster_import.save()
    _file_discard(roster_import)
    return roster_import


# --- the service functions ------------------------------------------------------------------


@transaction.atomic
def roster_import_create(
    *,
    sponsor: Sponsor,
    file: File,
    uploaded_by: User | None,
    source: str = RosterImport.Source.UPLOAD,
) -> RosterImport:
    """Keep the file, record the import and hand it to the worker once the row is committed."""
    size = file.size or 0
    if size > settings.ROSTER_MAX_UPLOAD_BYTES:
        limit_mb = settings.ROSTER_MAX_UPLOAD_BYTES // (1024 * 1024)
        raise ApplicationError(
            f"The file is larger than the limit of {limit_mb} MB.",
            errors={"file": [f"Files up to {limit_mb} MB are accepted."]},
        )
    if size == 0:
        raise ApplicationError("The file is empty.", errors={"file": ["The file is empty."]})
    name = (getattr(file, "name", "") or "roster.csv").rsplit("/", 1)[-1][:255]
    roster_import = RosterImport(
        sponsor=sponsor, uploaded_by=uploaded_by, source=source, original_name=name, size_bytes=size
    )
    roster_import.file.save(name, file, save=False)
    roster_import.save()

    transaction.on_commit(
        lambda: task_send("accounts.tasks.roster_import_process_task", roster_import.pk)
    )
    return roster_import


def roster_import_process(*, import_id: int) -> RosterImport | None:
    """Stage the file and apply it, or stop for confirmation. Safe to call twice."""
    if not _claim(import_id, from_status=RosterImport.Status.PENDING):
        return None
    roster_import = RosterImport.objects.get(pk=import_id)
    try:
        with transaction.atomic():
            _lock_sponsor(roster_import)
            _plan_for_bulk()
            staged, rejected = _stage_file(roster_import)
            if staged == 0:
                raise RosterFileError(
                    "No row of the file could be used, so nothing was changed."
                    if rejected
                    else "The file has a header but no rows."
                )
            roster_import.rows_total = staged
            roster_import.rejected = rejected
            would_end, current = _count_would_end(roster_import)
            if current and would_end / current > settings.ROSTER_MAX_END_FRACTION:
                roster_import.ended = would_end
                roster_import.status = RosterImport.Status.AWAITING_CONFIRMATION
                roster_import.save()
                return roster_import
            return _apply_and_record(roster_import)
    except RosterFileError as exc:
        _drop_staging(roster_import)
        # The failed transaction took any saved rejections with it: the message says it all.
        return _fail(roster_import, str(exc))
    except Exception:
        _drop_staging(roster_import)
        _fail(roster_import, "The import stopped on an unexpected error; nothing was changed.")
        raise


def roster_import_confirm(
    *, roster_import: RosterImport, user: User | None, channel: str = ""
) -> RosterImport:
    """An admin (or the operator running `import_roster --confirm-terminations`, with no user
    and the command named in `channel`) accepts that this file ends many people's coverage.
    The decision goes into the audit trail."""
    with transaction.atomic():
        claimed = RosterImport.objects.filter(
            pk=roster_import.pk, status=RosterImport.Status.AWAITING_CONFIRMATION
        ).update(status=RosterImport.Status.CONFIRMED, confirmed_by=user)
        if not claimed:
            raise ApplicationError("This import is not waiting for confirmation.")
        audit_record(
            request_or_actor=user,
            patient_id=None,
            action=Action.UPDATE,
            obj=roster_import,
            channel=channel,
        )

        transaction.on_commit(
            lambda: task_send("accounts.tasks.roster_import_apply_task", roster_import.pk)
        )
    roster_import.refresh_from_db()
    return roster_import


def roster_import_apply_confirmed(*, import_id: int) -> RosterImport | None:
    if not _claim(import_id, from_status=RosterImport.Status.CONFIRMED):
        return None
    with transaction.atomic():
        _plan_for_bulk()
        roster_import = RosterImport.objects.get(pk=import_id)
        return _apply_and_record(roster_import)


@transaction.atomic
def roster_import_cancel(*, roster_import: RosterImport, user: User) -> RosterImport:
    claimed = RosterImport.objects.filter(
        pk=roster_import.pk, status=RosterImport.Status.AWAITING_CONFIRMATION
    ).update(status=RosterImport.Status.CANCELLED, confirmed_by=user, finished_at=timezone.now())
    if not claimed:
        raise ApplicationError("This import is not waiting for confirmation.")
    _drop_staging(roster_import)
    roster_import.refresh_from_db()
    _file_discard(roster_import)
    return roster_import
