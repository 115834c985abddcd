"""Scheduled upkeep: release expired stock holds and cancel orders not paid in time.

./duli manage housekeeping              # once (cron or a systemd timer)
./duli manage housekeeping --every 60   # forever, once a minute (what `demo` runs)
"""

from __future__ import annotations

import time
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from duli.inventory.services import reservations_expire
from duli.orders.services import orders_unpaid_cancel


class Command(BaseCommand):
    help = "Release expired stock reservations and cancel unpaid orders past their deadline."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--every",
            type=int,
            default=0,
            metavar="SECONDS",
            help="repeat forever at this interval",
        )

    def handle(self, *args: Any, every: int = 0, **options: Any) -> None:
        if every < 0:
            self.stderr.write("--every must be 0 (run once) or a number of seconds")
            raise SystemExit(2)
        while True:
            released = reservations_expire()
            cancelled = orders_unpaid_cancel()
            if released or cancelled or not every:
                self.stdout.write(
                    f"released {released} reserved unit(s); cancelled {cancelled} unpaid order(s)"
                )
            if not every:
                return
            time.sleep(every)
