from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from accounts.demo import DEMO_PASSWORD, seed_people
from programs.demo import seed_program
from programs.demo_care_team import seed_care_team


class Command(BaseCommand):
    help = "Create the demo people and data (idempotent). Refuses to run with DEBUG=False."

    def handle(self, *args: object, **options: object) -> None:
        if not settings.DEBUG:
            raise CommandError("seed_demo creates known passwords; it only runs with DEBUG=True.")
        people = seed_people()
        seed_program(patient=people["patient"], therapist=people["pt"])
        seed_care_team(patient=people["patient"], therapists=[people["pt"], people["pt2"]])
        self.stdout.write(self.style.SUCCESS("Demo data is ready. Log in with:"))
        roles = {
            "patient": "patient (on the psoas program)",
            "patient2": "patient",
            "pt": "physical therapist",
            "pt2": "physical therapist",
            "employer": "employer admin (acme)",
            "staff": "staff",
        }
        for key, label in roles.items():
            self.stdout.write(f"  {people[key].email:<22} {DEMO_PASSWORD}   {label}")
