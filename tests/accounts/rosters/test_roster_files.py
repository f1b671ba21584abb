"""Issue 13 (Low): failed and cancelled roster uploads stayed on disk for ever, with names,
birth dates and emails. Every finished import's file is deleted; a sweep catches leftovers."""

import os

import pytest
from django.core.files.base import ContentFile

from accounts.models import RosterImport
from accounts.services.rosters import (
    roster_import_cancel,
    roster_import_create,
    roster_import_process,
)
from tests.factories import SponsorFactory, roster_csv, roster_person

pytestmark = pytest.mark.django_db


def _upload(sponsor, content: bytes) -> tuple[RosterImport, str]:
    roster_import = roster_import_create(
        sponsor=sponsor, file=ContentFile(content, name="roster.csv"), uploaded_by=None
    )
    path = roster_import.file.path
    assert os.path.exists(path)
    return roster_import, path


def _run(roster_import: RosterImport, django_capture_on_commit_callbacks) -> RosterImport:
    with django_capture_on_commit_callbacks(execute=True):
        roster_import_process(import_id=roster_import.pk)
    roster_import.refresh_from_db()
    return roster_import


def test_applied_failed_and_cancelled_uploads_leave_no_file(
    employer_admin, settings, django_capture_on_commit_callbacks
):
    settings.ROSTER_MAX_END_FRACTION = 0.2
    sponsor = SponsorFactory()
    applied, applied_path = _upload(sponsor, roster_csv([roster_person(i) for i in range(10)]))
    assert _run(applied, django_capture_on_commit_callbacks).status == "applied"
    failed, failed_path = _upload(sponsor, b"not,a,roster\n")
    assert _run(failed, django_capture_on_commit_callbacks).status == "failed"
    waiting, waiting_path = _upload(sponsor, roster_csv([roster_person(0)]))
    assert _run(waiting, django_capture_on_commit_callbacks).status == "awaiting_confirmation"
    assert os.path.exists(waiting_path)  # still needed until confirmed or cancelled
    with django_capture_on_commit_callbacks(execute=True):
        roster_import_cancel(roster_import=waiting, user=employer_admin)
    for path in (applied_path, failed_path, waiting_path):
        assert not os.path.exists(path), path
    assert set(RosterImport.objects.values_list("file", flat=True)) == {""}


def test_the_sweep_deletes_files_left_behind(django_capture_on_commit_callbacks):
    from accounts.services.rosters import roster_uploads_sweep  # inside: also run on old code

    sponsor = SponsorFactory()
    left, path = _upload(sponsor, roster_csv([roster_person(1)]))
    RosterImport.objects.filter(pk=left.pk).update(status=RosterImport.Status.FAILED)
    with django_capture_on_commit_callbacks(execute=True):
        assert roster_uploads_sweep() == 1
    assert not os.path.exists(path)
