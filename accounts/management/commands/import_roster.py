import time
from pathlib import Path
from typing import Any

from django.core.files import File
from django.core.management.base import BaseCommand, CommandError, CommandParser

from accounts.models import RosterImport, Sponsor
from accounts.services.rosters import (
    roster_import_apply_confirmed,
    roster_import_confirm,
    roster_import_create,
    roster_import_process,
)
from therapy.errors import ApplicationError

# Exit statuses a script or cron job can act on (0 is "applied").
EXIT_REFUSED = 1  # the file, or the import, failed: the roster in force is unchanged
EXIT_NEEDS_CONFIRMATION = 2  # the file ends more than the safe share and was not confirmed
EXIT_TIMED_OUT = 3  # the worker had not finished within --timeout
CHANNEL = "manage.py import_roster --confirm-terminations"
_BUSY = (
    RosterImport.Status.PENDING,
    RosterImport.Status.PROCESSING,
    RosterImport.Status.CONFIRMED,
)


class Command(BaseCommand):
    help = (
        "Import a sponsor's roster from a CSV file: the same path as the employer admin's upload. "
        "The file replaces the roster in force; the Celery worker applies it (or this process, "
        "with --now). Exits 0 when the file is applied, 1 when it is refused or fails, 2 when "
        "it waits for confirmation, 3 when the worker does not finish within --timeout."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("slug", help="The sponsor's slug, e.g. acme")
        parser.add_argument("file", type=Path, help="The roster CSV (UTF-8, header row)")
        parser.add_argument(
            "--now",
            action="store_true",
            help="Process in this process too, rather than only waiting for the worker.",
        )
        parser.add_argument(
            "--confirm-terminations",
            action="store_true",
            help=(
                "Apply the file even when it ends more than the safe share of the roster "
                "(ROSTER_MAX_END_FRACTION). Recorded in the audit trail as this command's "
                "confirmation."
            ),
        )
        parser.add_argument(
            "--timeout",
            type=float,
            default=600.0,
            help="Seconds to wait for the worker's outcome (default 600).",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        sponsor = Sponsor.objects.filter(slug=options["slug"]).first()
        if sponsor is None:
            raise CommandError(f"No sponsor with the slug “{options['slug']}”.")
        path: Path = options["file"]
        if not path.is_file():
            raise CommandError(f"No file at {path}.")
        now = bool(options["now"])
        timeout: float = options["timeout"]
        with path.open("rb") as handle:
            try:
                roster_import = roster_import_create(
                    sponsor=sponsor,
                    file=File(handle, name=path.name),
                    uploaded_by=None,
                    source=RosterImport.Source.COMMAND,
                )
            except ApplicationError as exc:
                raise CommandError(f"Not applied: {exc.message}", returncode=EXIT_REFUSED) from exc
        if now:
            # Whichever of this process and the worker claims the import first does the work.
            roster_import_process(import_id=roster_import.pk)
        roster_import = _wait(roster_import, timeout=timeout)

        if (
            roster_import.status == RosterImport.Status.AWAITING_CONFIRMATION
            and options["confirm_terminations"]
        ):
            roster_import_confirm(roster_import=roster_import, user=None, channel=CHANNEL)
            self.stdout.write(
                f"Import {roster_import.pk}: confirmed ending {roster_import.ended} people's "
                "coverage (--confirm-terminations)."
            )
            if now:
                roster_import_apply_confirmed(import_id=roster_import.pk)
            roster_import = _wait(roster_import, timeout=timeout)

        self.stdout.write(
            f"Import {roster_import.pk} for {sponsor.slug}: {roster_import.get_status_display()}."
        )
        if roster_import.status in (RosterImport.Status.APPLIED, RosterImport.Status.FAILED):
            self.stdout.write(
                f"added {roster_import.added}, updated {roster_import.updated}, "
                f"ended {roster_import.ended}, unchanged {roster_import.unchanged}, "
                f"rejected {roster_import.rejected}"
            )
        if roster_import.status == RosterImport.Status.APPLIED:
            return
        if roster_import.status == RosterImport.Status.FAILED:
            raise CommandError(
                f"Import {roster_import.pk} not applied: {roster_import.error}",
                returncode=EXIT_REFUSED,
            )
        if roster_import.status == RosterImport.Status.AWAITING_CONFIRMATION:
            raise CommandError(
                f"Import {roster_import.pk} not applied: it would end the coverage of "
                f"{roster_import.ended} people, more than the safe share of the roster. "
                "Run again with --confirm-terminations, or confirm it in the employer portal.",
                returncode=EXIT_NEEDS_CONFIRMATION,
            )
        if roster_import.status == RosterImport.Status.CANCELLED:
            raise CommandError(
                f"Import {roster_import.pk} not applied: it was cancelled.",
                returncode=EXIT_REFUSED,
            )
        raise CommandError(
            f"Import {roster_import.pk} is still “{roster_import.get_status_display()}” after "
            f"{timeout:g} s: is a Celery worker consuming the imports queue?",
            returncode=EXIT_TIMED_OUT,
        )


def _wait(roster_import: RosterImport, *, timeout: float) -> RosterImport:
    """Poll until the import leaves the worker's hands (or the timeout passes)."""
    deadline = time.monotonic() + timeout
    roster_import.refresh_from_db()
    while roster_import.status in _BUSY and time.monotonic() < deadline:
        time.sleep(0.2)
        roster_import.refresh_from_db()
    return roster_import
