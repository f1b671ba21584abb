"""`python manage.py privacy_sweep --as-of 2036-01-01T00:00:00Z`: the retention sweep, now.

The same sweep as the daily beat task (programs.tasks.records_sweep_task), at the instant
given (default: now). It prints what it erased, per patient id and model, and exits non-zero
when any patient could not be erased (the others are erased regardless; see the log).
"""

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone
from django.utils.dateparse import parse_datetime

from programs.services.records import records_sweep


class Command(BaseCommand):
    help = "Erase closed accounts whose retention periods have passed (as the beat task does)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--as-of", help="ISO-8601 instant with an offset; default now")

    def handle(self, *args: object, **options: object) -> None:
        at = timezone.now()
        if options.get("as_of"):
            parsed = parse_datetime(str(options["as_of"]).replace("Z", "+00:00"))
            if parsed is None:
                raise CommandError("--as-of must be an ISO-8601 instant, e.g. 2036-01-01T00:00Z.")
            if timezone.is_naive(parsed):
                raise CommandError("--as-of needs a UTC offset (Z or +hh:mm).")
            at = parsed
        result = records_sweep(as_of=at)
        self.stdout.write(f"Privacy sweep as of {at.isoformat()}")
        for title, erased in (
            ("account data erased", result.account_data_erased),
            ("clinical record and person erased", result.clinical_records_erased),
        ):
            self.stdout.write(f"{title}: {len(erased)} patient(s)")
            for patient_id, counts in sorted(erased.items()):
                rows = ", ".join(f"{label} {n}" for label, n in sorted(counts.items()))
                self.stdout.write(f"  patient {patient_id}: {rows}")
        if result.failed:
            for patient_id, error in sorted(result.failed.items()):
                self.stderr.write(f"  patient {patient_id} FAILED: {error}")
            raise CommandError(f"{len(result.failed)} patient(s) could not be erased.")
