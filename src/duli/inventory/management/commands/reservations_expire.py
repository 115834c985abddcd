"""`duli reservations_expire`: release expired checkout reservations (for cron/systemd timers)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from duli.inventory.services import reservations_expire


class Command(BaseCommand):
    help = "Release checkout reservations whose expiry time has passed."

    def handle(self, *args: Any, **options: Any) -> None:
        units = reservations_expire()
        self.stdout.write(f"Released {units} reserved unit(s).")
