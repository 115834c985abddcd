"""Scheduled upkeep: ask payment providers about payments left pending (and retry inbox
events that found no payment yet), release expired stock holds, cancel orders not paid in
time, and resend Test Pay webhooks that could not be delivered.

./duli manage housekeeping              # once (cron or a systemd timer)
./duli manage housekeeping --every 60   # forever, once a minute (what `demo` runs)
"""

from __future__ import annotations

import time
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from duli.inventory.services import reservations_expire
from duli.orders.services import orders_unpaid_cancel
from duli.payments.webhooks import payments_reconcile
from duli.testpay.processor import testpay_webhooks_retry


class Command(BaseCommand):
    help = (
        "Reconcile pending payments with their providers, release expired stock reservations "
        "and cancel unpaid orders past their deadline."
    )

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
            # Reconcile first: an order paid at the last minute must not be cancelled.
            settled = payments_reconcile()
            released = reservations_expire()
            cancelled = orders_unpaid_cancel()
            testpay_webhooks_retry()
            if settled or released or cancelled or not every:
                self.stdout.write(
                    f"settled {settled} pending payment(s); released {released} reserved "
                    f"unit(s); cancelled {cancelled} unpaid order(s)"
                )
            if not every:
                return
            time.sleep(every)
