"""Print a new VAPID key pair for Web Push, as the environment lines production needs."""

from typing import Any

from django.core.management.base import BaseCommand

from programs.push import vapid_keys_generate


class Command(BaseCommand):
    help = (
        "Print a new VAPID key pair (VAPID_PUBLIC_KEY, VAPID_PRIVATE_KEY) for Web Push. Make it "
        "once per deployment and keep it: subscriptions are tied to the public key."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        public, private = vapid_keys_generate()
        self.stdout.write(f"VAPID_PUBLIC_KEY={public}\nVAPID_PRIVATE_KEY={private}\n")
