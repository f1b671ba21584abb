"""`manage.py import_roster`: its exit status tells a script what became of the file."""

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection

from accounts.models import AuditEvent, RosterEntry, RosterImport
from tests.factories import SponsorFactory, roster_csv, roster_person

pytestmark = pytest.mark.django_db

ROOT = Path(__file__).resolve().parents[3]


def _write(tmp_path: Path, rows: list[dict], name: str = "roster.csv") -> Path:
    path = tmp_path / name
    path.write_bytes(roster_csv(rows))
    return path


def test_a_refused_file_exits_1_with_the_reason(tmp_path, capsys):
    # given a file none of whose rows can be used
    SponsorFactory(slug="globex")
    path = _write(tmp_path, [roster_person(0, date_of_birth="yesterday")])
    # when / then
    with pytest.raises(CommandError, match="No row of the file could be used") as raised:
        call_command("import_roster", "globex", str(path), "--now")
    assert raised.value.returncode == 1
    assert RosterImport.objects.get().status == RosterImport.Status.FAILED


def test_a_file_without_the_columns_exits_1(tmp_path):
    SponsorFactory(slug="globex")
    path = tmp_path / "roster.csv"
    path.write_text("id,name\n1,Ann\n")
    with pytest.raises(CommandError, match="missing these columns") as raised:
        call_command("import_roster", "globex", str(path), "--now")
    assert raised.value.returncode == 1


def test_an_empty_file_is_refused_before_it_is_recorded(tmp_path):
    SponsorFactory(slug="globex")
    path = tmp_path / "roster.csv"
    path.write_bytes(b"")
    with pytest.raises(CommandError, match="Not applied: The file is empty") as raised:
        call_command("import_roster", "globex", str(path), "--now")
    assert raised.value.returncode == 1
    assert not RosterImport.objects.exists()


def test_a_file_ending_too_many_exits_2_and_changes_nothing(tmp_path, settings):
    settings.ROSTER_MAX_END_FRACTION = 0.2
    SponsorFactory(slug="globex")
    call_command(
        "import_roster",
        "globex",
        str(_write(tmp_path, [roster_person(i) for i in range(10)])),
        "--now",
    )
    smaller = _write(tmp_path, [roster_person(i) for i in range(5)], name="smaller.csv")
    with pytest.raises(CommandError, match="--confirm-terminations") as raised:
        call_command("import_roster", "globex", str(smaller), "--now")
    assert raised.value.returncode == 2
    assert RosterEntry.objects.filter(ended_on__isnull=True).count() == 10
    assert RosterImport.objects.filter(status="awaiting_confirmation").count() == 1


def test_confirm_terminations_applies_the_file_and_audits_the_command(tmp_path, settings, capsys):
    settings.ROSTER_MAX_END_FRACTION = 0.2
    SponsorFactory(slug="globex")
    call_command(
        "import_roster",
        "globex",
        str(_write(tmp_path, [roster_person(i) for i in range(10)])),
        "--now",
    )
    smaller = _write(tmp_path, [roster_person(i) for i in range(5)], name="smaller.csv")
    # when
    call_command("import_roster", "globex", str(smaller), "--now", "--confirm-terminations")
    # then
    done = RosterImport.objects.get(original_name="smaller.csv")
    assert done.status == RosterImport.Status.APPLIED
    assert done.ended == 5
    assert done.confirmed_by is None
    assert RosterEntry.objects.filter(ended_on__isnull=True).count() == 5
    out = capsys.readouterr().out
    assert "confirmed ending 5 people's coverage" in out
    event = AuditEvent.objects.get(object_type="accounts.rosterimport", object_id=str(done.pk))
    assert event.action == AuditEvent.Action.UPDATE
    assert event.actor_id is None
    assert event.request_id == "manage.py import_roster --confirm-terminations"


def test_confirm_terminations_is_not_needed_for_a_safe_file(tmp_path, capsys):
    SponsorFactory(slug="globex")
    path = _write(tmp_path, [roster_person(i) for i in range(3)])
    call_command("import_roster", "globex", str(path), "--now", "--confirm-terminations")
    assert RosterImport.objects.get().status == RosterImport.Status.APPLIED
    assert not AuditEvent.objects.filter(object_type="accounts.rosterimport").exists()


def test_without_a_worker_the_command_times_out_with_exit_3(tmp_path):
    # The import is only queued (the test's transaction never commits, so no worker sees it).
    SponsorFactory(slug="globex")
    path = _write(tmp_path, [roster_person(0)])
    with pytest.raises(CommandError, match="imports queue") as raised:
        call_command("import_roster", "globex", str(path), "--timeout", "0.3")
    assert raised.value.returncode == 3


@pytest.mark.django_db(transaction=True)
def test_the_process_exit_status_is_non_zero_for_a_refused_file(tmp_path):
    # given: a real `manage.py` process against the test database
    SponsorFactory(slug="globex")
    path = _write(tmp_path, [roster_person(0, coverage_start="")])
    database = connection.settings_dict
    env = {
        **os.environ,
        "DATABASE_URL": f"postgres://{database['USER']}@{database['HOST']}:{database['PORT']}/{database['NAME']}",
    }
    # when
    done = subprocess.run(
        [sys.executable, "manage.py", "import_roster", "globex", str(path), "--now"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    # then
    assert done.returncode == 1, done.stderr
    assert "No row of the file could be used" in done.stderr
