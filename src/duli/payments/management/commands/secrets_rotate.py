"""Re-encrypt stored provider secrets with the current SECRET_KEY.

After changing DULI_SECRET_KEY (with the old key in DULI_SECRET_KEY_FALLBACKS):
    ./duli manage secrets_rotate
then remove the old key from DULI_SECRET_KEY_FALLBACKS. docs/operations.md has the steps.
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError

from duli.core.crypto import SecretUnreadable, secret_decrypt, secret_rotate
from duli.payments.models import PaymentMethod


class Command(BaseCommand):
    help = "Re-encrypt payment provider secrets with the current secret key."

    def handle(self, *args: Any, **options: Any) -> None:
        rotated = 0
        for row in PaymentMethod.objects.exclude(secrets=""):
            try:
                secret_decrypt(row.secrets)
            except SecretUnreadable as exc:
                raise CommandError(
                    f"The secrets of {row.provider} cannot be read with the current key or "
                    "any key in DULI_SECRET_KEY_FALLBACKS. Put the key they were saved with "
                    "back into DULI_SECRET_KEY_FALLBACKS and run this again."
                ) from exc
            row.secrets = secret_rotate(row.secrets)
            row.save(update_fields=["secrets"])
            rotated += 1
        self.stdout.write(f"re-encrypted the secrets of {rotated} payment method(s)")
