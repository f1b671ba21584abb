from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from accounts.demo import DEMO_PASSWORD, DEMO_TOTP_SECRET_BASE32, seed_people
from programs.demo import seed_messages_and_visits, seed_outcomes_and_alerts, seed_program


class Command(BaseCommand):
    help = "Create the demo people and data (idempotent). Refuses to run with DEBUG=False."

    def handle(self, *args: object, **options: object) -> None:
        if not settings.DEBUG:
            raise CommandError("seed_demo creates known passwords; it only runs with DEBUG=True.")
        people = seed_people()
        seed_program(patient=people["patient"], therapist=people["pt"])
        seed_outcomes_and_alerts(
            patient=people["patient"], patient2=people["patient2"], therapist2=people["pt2"]
        )
        seed_messages_and_visits(
            patient=people["patient"], therapists=[people["pt"], people["pt2"]]
        )
        self.stdout.write(self.style.SUCCESS("Demo data is ready. Log in with:"))
        roles = {
            "patient": "patient (on the psoas program)",
            "patient2": "patient (on a plan, inactive: an alert for pt2)",
            "pt": "physical therapist",
            "pt2": "physical therapist",
            "employer": "employer admin (acme)",
            "staff": "staff",
        }
        for key, label in roles.items():
            self.stdout.write(f"  {people[key].email:<22} {DEMO_PASSWORD}   {label}")
        self.stdout.write(
            "Therapists, staff and the employer admin also need a code (two-step sign-in).\n"
            f"  Add the secret {DEMO_TOTP_SECRET_BASE32} to an authenticator app, or run\n"
            "  `python manage.py demo_codes` for the current code."
        )
