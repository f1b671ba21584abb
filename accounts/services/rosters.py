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
from typing import IO

from django.conf import settings
from django.core.files import File
from django.db import connection, transaction
from django.utils import timezone

from accounts.eligibility_matching import normalise_name
from accounts.models import RosterImport, RosterImportRejection, Sponsor, User
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
_DATE_HELP = "is not a date (use YYYY-MM-DD or MM/DD/YYYY)."


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
            return None, Rejection(row_number, column, "This value is required.")
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
        return None, Rejection(row_number, column, "This value is too long.")
    if len(postal) > 16:
        return None, Rejection(row_number, "postal_code", "Longer than 16 characters.")
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
            return None, Rejection(row_number, "coverage_end", "Coverage ends before it starts.")
    if dob > today or dob.year < 1900:
        return None, Rejection(row_number, "date_of_birth", "Date of birth is not plausible.")
    relationship = RELATIONSHIPS.get(relationship_raw.lower())
    if relationship is None:
        return None, Rejection(
            row_number, "relationship", "Use employee, spouse, child or dependant."
        )
    if email:
        email = email.lower()
        if "@" not in email or " " in email:
            return None, Rejection(row_number, "email", "This is not an email address.")
    first_norm = normalise_name(first)
    last_norm = normalise_name(last)
    if not first_norm or not last_norm:
        column = "first_name" if not first_norm else "last_name"
        return None, Rejection(row_number, column, "A name needs at least one letter.")
    row = (row_number, member_id, first, last, first_norm, last_norm, dob, email, postal)
    return (*row, relationship, start, end), None


def _read_rows(binary: IO[bytes]) -> Iterator[tuple[tuple | None, Rejection | None]]:
    """Yield (staged row, None) or (None, rejection) for every line of the file, streaming."""
    text = io.TextIOWrapper(binary, encoding="utf-8-sig", newline="")
    reader = csv.reader(text)
    try:
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
        indexes = [names.index(c) for c in COLUMNS]
        width = len(names)
        today = timezone.localdate()
        for line_index, raw in enumerate(reader, start=2):
            if not raw or (len(raw) == 1 and not raw[0].strip()):
                continue  # a blank line
            if len(raw) != width:
                yield None, Rejection(line_index, "", f"Expected {width} values, found {len(raw)}.")
                continue
            yield _clean_row([raw[i].strip() for i in indexes], line_index, today)
    except UnicodeDecodeError as exc:
        raise RosterFileError(
            "The file is not UTF-8 text. Save it as “CSV UTF-8” and upload it again."
        ) from exc
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


def _drop_staging(roster_import: RosterImport) -> None:
    with connection.cursor() as cursor:
        cursor.execute(f"DROP TABLE IF EXISTS {roster_import.staging_table}")


def _save_rejections(roster_import: RosterImport, batch: list[Rejection]) -> None:
    RosterImportRejection.objects.bulk_create(
        RosterImportRejection(
            roster_import=roster_import, row_number=r.row_number, column=r.column, reason=r.reason
        )
        for r in batch
    )


def _stage_file(roster_import: RosterImport) -> tuple[int, int]:
    """Stream the file into the import's staging table. Returns (rows staged, rows rejected)."""
    table = roster_import.staging_table
    unlogged = "UNLOGGED " if _is_postgres() else ""
    staged = rejected = 0
    pending: list[Rejection] = []
    with connection.cursor() as cursor:
        cursor.execute(f"DROP TABLE IF EXISTS {table}")
        cursor.execute(f"CREATE {unlogged}TABLE {table} ({_staging_columns_sql()})")
        with roster_import.file.open("rb") as binary:
            rows = _read_rows(binary)
            if _is_postgres():
                columns = ", ".join(("row_number", *STAGED))
                with cursor.cursor.copy(f"COPY {table} ({columns}) FROM STDIN") as copy:
                    for row, rejection in rows:
                        if row is not None:
                            copy.write_row(row)
                            staged += 1
                        elif rejection is not None:
                            pending.append(rejection)
                            if len(pending) >= _REJECTION_BATCH:
                                rejected += len(pending)
                                _save_rejections(roster_import, pending)
                                pending = []
            else:
                insert = f"INSERT INTO {table} VALUES ({', '.join(['%s'] * (len(STAGED) + 1))})"
                batch: list[tuple] = []
                for row, rejection in rows:
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
                [
                    Rejection(n, "member_id", f"The same member ID is already on row {first}.")
                    for n, first in duplicates
                ],
            )
            cursor.execute(
                f"DELETE FROM {table} WHERE row_number IN ({', '.join(['%s'] * len(duplicates))})",
                [n for n, _ in duplicates],
            )
            staged -= len(duplicates)
            rejected += len(duplicates)
        if _is_postgres():
            cursor.execute(f"ANALYZE {table}")
    return staged, rejected


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
    """Apply the staged file to the roster with set-based SQL. Caller holds the sponsor lock."""
    table = roster_import.staging_table
    sponsor_id = roster_import.sponsor_id
    today = timezone.localdate()
    now = timezone.now()
    file_columns = [c for c in STAGED if c != "member_id"]
    changed = " OR ".join(
        [_distinct(f"r.{c}", f"s.{c}") for c in file_columns] + ["r.ended_on IS NOT NULL"]
    )
    assignments = ", ".join(f"{c} = s.{c}" for c in file_columns)
    with connection.cursor() as cursor:
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
        columns = ", ".join(STAGED)
        selected = ", ".join(f"s.{c}" for c in STAGED)
        cursor.execute(
            f"""
            INSERT INTO accounts_rosterentry (sponsor_id, {columns}, created_at, updated_at)
            SELECT %s, {selected}, %s, %s FROM {table} s
            WHERE NOT EXISTS (
                SELECT 1 FROM accounts_rosterentry r
                WHERE r.sponsor_id = %s AND r.member_id = s.member_id
            )
            """,
            [sponsor_id, now, now, sponsor_id],
        )
        added = cursor.rowcount
        cursor.execute(f"DROP TABLE {table}")
    return {"added": added, "updated": updated, "ended": ended}


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


def _apply_and_record(roster_import: RosterImport) -> RosterImport:
    Sponsor.objects.select_for_update().filter(pk=roster_import.sponsor_id).first()
    counts = _apply_staged(roster_import)
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
