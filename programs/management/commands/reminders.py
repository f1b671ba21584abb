"""`python manage.py reminders --due-at 2026-11-25T13:00:00Z`: a dry run for support staff.

Lists what a sweep at that instant would pick up (patient, local time, channel) and whether the
send would go out or be skipped, and why. It writes nothing and sends nothing.
"""

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone
from django.utils.dateparse import parse_datetime

from programs.selectors.reminders import reminders_due_at


class Command(BaseCommand):
    help = "Dry run: list the reminders a sweep at --due-at would send, without sending."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--due-at", required=True, help="ISO-8601 instant with an offset")

    def handle(self, *args: object, **options: object) -> None:
        at = parse_datetime(str(options["due_at"]).replace("Z", "+00:00"))
        if at is None:
            raise CommandError("--due-at must be an ISO-8601 instant, e.g. 2026-11-25T13:00Z.")
        if timezone.is_naive(at):
            raise CommandError("--due-at needs a UTC offset (Z or +hh:mm).")
        rows = reminders_due_at(at=at)
        self.stdout.write(f"Dry run at {at.isoformat()}: {len(rows)} reminder(s) due.")
        for row in rows:
            outcome = f"skip ({row.would_skip})" if row.would_skip else "send"
            self.stdout.write(
                f"patient {row.patient_id} <{row.email}>  {row.local_date} "
                f"{row.local_time:%H:%M} {row.time_zone}  channel={row.channel or '-'}  "
                f"due {row.due_at:%Y-%m-%dT%H:%MZ}  {outcome}"
            )
