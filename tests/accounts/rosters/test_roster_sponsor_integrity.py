"""A roster entry's sponsor, guarded by triggers rather than a declared foreign key (accounts
migration 0013): the same guarantees, with only the import's own rows spared the row-by-row
check, for the sponsor it holds locked."""

import threading

import psycopg
import pytest
from django.core.files.base import ContentFile
from django.db import IntegrityError, connection, transaction
from django.db.models import ProtectedError

from accounts.models import RosterEntry, RosterImport, Sponsor
from accounts.services.rosters import roster_import_create, roster_import_process
from tests.factories import RosterEntryFactory, SponsorFactory, roster_csv, roster_person

pytestmark = pytest.mark.django_db(transaction=True)

MISSING = 987_654_321


# One roster row in plain SQL, past the ORM (its sponsor id and member ID as parameters).
INSERT = """
    INSERT INTO accounts_rosterentry (sponsor_id, member_id, first_name, last_name,
        first_name_norm, last_name_norm, date_of_birth, email, postal_code,
        relationship, coverage_start, created_at, updated_at)
    VALUES (%s, %s, 'A', 'B', 'a', 'b', '1980-01-01', '', '', 'employee',
        '2020-01-01', now(), now())
"""


def _insert(sponsor_id: int, member_id: str = "X1") -> None:
    with connection.cursor() as cursor:
        cursor.execute(INSERT, [sponsor_id, member_id])


def _dsn() -> dict[str, object]:
    """The test database, for a connection of its own (another session's transaction)."""
    settings = connection.settings_dict
    return {
        "dbname": settings["NAME"],
        "user": settings["USER"],
        "host": settings["HOST"],
        "port": settings["PORT"] or 5432,
    }


def _import(sponsor: Sponsor, people: int = 3) -> None:
    created = roster_import_create(
        sponsor=sponsor,
        file=ContentFile(roster_csv([roster_person(i) for i in range(people)]), name="r.csv"),
        uploaded_by=None,
    )
    roster_import_process(import_id=created.pk)


def test_an_entry_for_a_sponsor_that_does_not_exist_is_refused_at_commit():
    # through the ORM and in plain SQL alike
    with pytest.raises(IntegrityError, match="does not exist"), transaction.atomic():
        RosterEntryFactory(sponsor_id=MISSING)
    with pytest.raises(IntegrityError, match="does not exist"), transaction.atomic():
        _insert(MISSING)
    assert not RosterEntry.objects.exists()


def test_moving_an_entry_to_a_sponsor_that_does_not_exist_is_refused():
    entry = RosterEntryFactory()
    with pytest.raises(IntegrityError, match="does not exist"), transaction.atomic():
        RosterEntry.objects.filter(pk=entry.pk).update(sponsor_id=MISSING)
    entry.refresh_from_db()
    assert Sponsor.objects.filter(pk=entry.sponsor_id).exists()


def test_a_sponsor_with_roster_entries_cannot_be_deleted_or_renumbered():
    entry = RosterEntryFactory()
    sponsor_id = entry.sponsor_id
    with pytest.raises(ProtectedError):  # the ORM's own guard
        Sponsor.objects.filter(pk=sponsor_id).delete()
    for sql in (
        "DELETE FROM accounts_sponsor WHERE id = %s",
        "UPDATE accounts_sponsor SET id = id + 1000000 WHERE id = %s",
    ):
        with (
            pytest.raises(IntegrityError, match="has roster entries"),
            transaction.atomic(),
            connection.cursor() as cursor,
        ):
            cursor.execute(sql, [sponsor_id])
    # other changes to the sponsor are not affected, and a sponsor with no roster goes
    Sponsor.objects.filter(pk=sponsor_id).update(name="Renamed")
    empty = SponsorFactory()
    with connection.cursor() as cursor:
        cursor.execute("DELETE FROM accounts_sponsor WHERE id = %s", [empty.pk])
    assert Sponsor.objects.filter(pk=sponsor_id, name="Renamed").exists()
    assert not Sponsor.objects.filter(pk=empty.pk).exists()


def test_the_imports_exemption_covers_its_locked_sponsor_only_and_ends_with_its_transaction():
    sponsor = SponsorFactory()
    _import(sponsor)
    assert RosterEntry.objects.filter(sponsor=sponsor).count() == 3
    # after the import's transaction the exemption is gone
    with pytest.raises(IntegrityError, match="does not exist"), transaction.atomic():
        _insert(MISSING)
    # and it never covers another sponsor id than the one named
    with pytest.raises(IntegrityError, match="does not exist"), transaction.atomic():
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT set_config('therapy.roster_locked_sponsor', %s, true)", [str(sponsor.pk)]
            )
        _insert(MISSING)


def test_a_sponsor_deleted_while_its_import_runs_waits_for_it_and_is_then_refused():
    # given: an import's transaction holding its sponsor, with its rows written unchecked
    sponsor = SponsorFactory()
    dsn = _dsn()
    with psycopg.connect(**dsn) as importer:
        importer.execute("SELECT id FROM accounts_sponsor WHERE id = %s FOR UPDATE", [sponsor.pk])
        importer.execute(
            "SELECT set_config('therapy.roster_locked_sponsor', %s, true)", [str(sponsor.pk)]
        )
        importer.execute(INSERT, [sponsor.pk, "M1"])
        # when: someone deletes the sponsor meanwhile, in plain SQL
        outcome: list[object] = []

        def delete() -> None:
            with psycopg.connect(**dsn, autocommit=True) as other:
                try:
                    other.execute("DELETE FROM accounts_sponsor WHERE id = %s", [sponsor.pk])
                    outcome.append("deleted")
                except psycopg.errors.ForeignKeyViolation as exc:
                    outcome.append(str(exc))

        deleting = threading.Thread(target=delete)
        deleting.start()
        deleting.join(timeout=1.0)
        # then: the delete waits for the import ...
        assert deleting.is_alive() and outcome == []
        importer.commit()
    deleting.join(timeout=10)
    # ... and, once the import's rows are in, is refused: nothing is left without its sponsor
    assert len(outcome) == 1 and "has roster entries" in str(outcome[0])
    assert RosterEntry.objects.filter(sponsor_id=sponsor.pk).count() == 1
    assert Sponsor.objects.filter(pk=sponsor.pk).exists()


def _ending_import(sponsor: Sponsor) -> RosterImport:
    """An applied import that ended one of ten people on the sponsor's roster."""
    for people in (10, 9):
        _import(sponsor, people)
    ended = RosterEntry.objects.get(sponsor=sponsor, ended_on__isnull=False)
    assert ended.ended_by_import_id is not None
    return RosterImport.objects.get(pk=ended.ended_by_import_id)


def test_an_entry_cannot_name_an_ending_import_that_does_not_exist():
    entry = RosterEntryFactory()
    with pytest.raises(IntegrityError, match="names import"), transaction.atomic():
        RosterEntry.objects.filter(pk=entry.pk).update(ended_by_import_id=MISSING)
    entry.refresh_from_db()
    assert entry.ended_by_import_id is None


def test_an_import_that_ended_entries_cannot_be_deleted_in_sql_and_the_orm_clears_them_first():
    sponsor = SponsorFactory()
    ending = _ending_import(sponsor)
    for sql in (
        "DELETE FROM accounts_rosterimport WHERE id = %s",
        "UPDATE accounts_rosterimport SET id = id + 1000000 WHERE id = %s",
    ):
        with (
            pytest.raises(IntegrityError, match="ended roster entries"),
            transaction.atomic(),
            connection.cursor() as cursor,
        ):
            cursor.execute(sql, [ending.pk])
    assert RosterEntry.objects.filter(ended_by_import=ending).count() == 1
    # through the ORM, on_delete=SET_NULL clears the entries' link before the delete
    RosterImport.objects.filter(pk=ending.pk).delete()
    assert RosterEntry.objects.filter(sponsor=sponsor, ended_on__isnull=False).count() == 1
    assert not RosterEntry.objects.filter(ended_by_import_id=ending.pk).exists()


def test_an_import_holds_its_sponsor_from_staging_so_two_imports_of_a_sponsor_take_turns():
    # given: another transaction holds the sponsor (as a running import of it does)
    sponsor = SponsorFactory()
    created = roster_import_create(
        sponsor=sponsor,
        file=ContentFile(roster_csv([roster_person(i) for i in range(3)]), name="r.csv"),
        uploaded_by=None,
    )
    with psycopg.connect(**_dsn()) as other:
        other.execute("SELECT id FROM accounts_sponsor WHERE id = %s FOR UPDATE", [sponsor.pk])
        # when: this import starts
        running = threading.Thread(target=roster_import_process, kwargs={"import_id": created.pk})
        running.start()
        running.join(timeout=1.0)
        # then: it waits before staging anything (so what it reads of the sponsor's roster
        # stays true until it applies), and goes on once the other transaction ends
        assert running.is_alive()
        waiting = other.execute(
            """
            SELECT count(*) FILTER (WHERE l.mode = 'AccessExclusiveLock' AND l.granted)
            FROM pg_stat_activity a JOIN pg_locks l ON l.pid = a.pid
            WHERE a.wait_event_type = 'Lock' AND a.query LIKE '%%accounts_sponsor%%'
              AND l.locktype = 'relation'
            GROUP BY a.pid
            """
        ).fetchall()
        assert waiting == [(0,)]  # waiting on the sponsor, having made no staging table
        other.commit()
    running.join(timeout=20)
    assert RosterEntry.objects.filter(sponsor=sponsor).count() == 3
