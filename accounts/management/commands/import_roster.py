from pathlib import Path
from typing import Any

from django.core.files import File
from django.core.management.base import BaseCommand, CommandError, CommandParser

from accounts.models import RosterImport, Sponsor
from accounts.services.rosters import roster_import_create, roster_import_process
from therapy.errors import ApplicationError


class Command(BaseCommand):
    help = (
        "Import a sponsor's roster from a CSV file: the same path as the employer admin's upload. "
        "The file replaces the roster in force; the Celery worker applies it."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("slug", help="The sponsor's slug, e.g. acme")
        parser.add_argument("file", type=Path, help="The roster CSV (UTF-8, header row)")
        parser.add_argument(
            "--now",
            action="store_true",
            help="Process in this process too, rather than only waiting for the worker.",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        sponsor = Sponsor.objects.filter(slug=options["slug"]).first()
        if sponsor is None:
            raise CommandError(f"No sponsor with the slug “{options['slug']}”.")
        path: Path = options["file"]
        if not path.is_file():
            raise CommandError(f"No file at {path}.")
        with path.open("rb") as handle:
            try:
                roster_import = roster_import_create(
                    sponsor=sponsor,
                    file=File(handle, name=path.name),
                    uploaded_by=None,
                    source=RosterImport.Source.COMMAND,
                )
            except ApplicationError as exc:
                raise CommandError(exc.message) from exc
        if options["now"]:
            # Whichever of this process and the worker claims the import first does the work.
            roster_import_process(import_id=roster_import.pk)
        roster_import.refresh_from_db()
        self.stdout.write(
            f"Import {roster_import.pk} for {sponsor.slug}: {roster_import.get_status_display()}."
        )
        if roster_import.status in (RosterImport.Status.APPLIED, RosterImport.Status.FAILED):
            self.stdout.write(
                f"added {roster_import.added}, updated {roster_import.updated}, "
                f"ended {roster_import.ended}, unchanged {roster_import.unchanged}, "
                f"rejected {roster_import.rejected}"
                + (f"\n{roster_import.error}" if roster_import.error else "")
            )
