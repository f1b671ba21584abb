import time

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts.demo import DEMO_TOTP_KEY_HEX


class Command(BaseCommand):
    help = "Print the current two-step sign-in code of the demo accounts (DEBUG only)."

    def handle(self, *args: object, **options: object) -> None:
        if not settings.DEBUG:
            raise CommandError("demo_codes only runs with DEBUG=True.")
        devices = TOTPDevice.objects.filter(
            key=DEMO_TOTP_KEY_HEX, confirmed=True, user__email__endswith="@demo.test"
        ).select_related("user")
        if not devices:
            raise CommandError("No demo authenticator found: run `python manage.py seed_demo`.")
        device = devices[0]
        totp = TOTP(device.bin_key, device.step, device.t0, device.digits)
        totp.time = time.time()
        left = device.step - int(totp.time - device.t0) % device.step
        emails = ", ".join(d.user.email for d in devices)
        self.stdout.write(f"{totp.token():06d}  (valid {left} s more) for {emails}")
