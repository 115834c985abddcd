"""The server is SIGKILLed in the middle of a flash sale, restarted, and the shoppers go on.

A real gunicorn serves the test database over HTTP; shoppers (the benchmark's load
generator, bench/duli_bench/flash.py) are released at once. As soon as a few orders have
been placed while other place-order requests are on the wire, the server's whole process
group gets SIGKILL: no `finally`, no rollback in Python, whatever the database had not
committed is gone. The server is started again; every shopper whose connection broke sends
the same step again (placing is idempotent per checkout).

Afterwards the database must hold no order without its stock and no stock without its
order, and once unpaid orders lapse every unit must be back on sale.
"""

from __future__ import annotations

import asyncio
import os
import signal
import sys
from datetime import timedelta
from pathlib import Path

import pytest
from django.conf import settings
from django.utils import timezone

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "bench"))

from duli.inventory.models import Stock
from duli.inventory.services import reservations_expire
from duli.orders.models import Order
from duli.orders.services import orders_unpaid_cancel
from duli.orders.states import OrderStatus
from duli_bench import flash
from duli_bench import harness as h
from duli_bench.flash_shop import shop_seed, stock_audit

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.concurrency]

SHOPPERS = 36
UNITS = 12
KILL_AFTER_PLACED = 3  # orders answered before the kill…
KILL_WITH_PLACING = 2  # …while at least this many place-order requests are on the wire


class Crash:
    """Kills the server's process group from inside the load, restarts it in a thread, and
    lets the shoppers whose connection broke retry once it answers again."""

    def __init__(self, srv: h.Server, target: flash.Target) -> None:
        self.srv, self.target = srv, target
        self.load: flash.FlashLoad | None = None
        self.placed = 0
        self.killed_with: dict[str, int] | None = None  # requests on the wire at the kill
        self.up = asyncio.Event()
        self.restart: asyncio.Task[None] | None = None

    def seen(self, step: str, journey: flash.Journey) -> None:
        if step == "place":
            self.placed += 1
        assert self.load is not None
        placing = self.load.in_flight.get("place", 0)
        if (
            self.killed_with is None
            and self.placed >= KILL_AFTER_PLACED
            and placing >= KILL_WITH_PLACING
        ):
            self.killed_with = {k: v for k, v in self.load.in_flight.items() if v}
            os.killpg(self.srv.pgid, signal.SIGKILL)
            self.restart = asyncio.get_running_loop().create_task(self._restart())

    async def _restart(self) -> None:
        await asyncio.to_thread(self._respawn)
        self.target.base = self.srv.base
        self.up.set()

    def _respawn(self) -> None:
        self.srv.stop()  # reaps the killed group
        self.srv.start()  # a new port; waits until it answers

    async def retry(self, step: str, error: BaseException) -> bool:
        if self.killed_with is None:
            return False  # a broken connection nobody caused: a real error
        await asyncio.wait_for(self.up.wait(), timeout=30)
        return True


def test_sigkill_during_placements_leaves_no_order_without_stock_and_no_stock_held_after_expiry(
    tmp_path: Path,
) -> None:
    seeded = shop_seed(units=UNITS)
    env = flash.suite_server_env(db=settings.DATABASES["default"], data_dir=tmp_path / "data")
    log = tmp_path / "server.log"
    srv = h.Server(
        h.ServerSpec("gunicorn", workers=2, threads=4), env=env, log=log, deadline=h.Deadline(55)
    )
    try:
        srv.start()
        target = flash.Target(srv.base)
        crash = Crash(srv, target)
        load = flash.FlashLoad(
            target=target,
            variant_id=seeded["variant_id"],
            shipping_method_id=seeded["shipping_method_id"],
            shoppers=SHOPPERS,
            timeout=40,
            request_timeout=30,
            retry=crash.retry,
            on_response=crash.seen,
        )
        crash.load = load
        result = flash.run_load(load)
    finally:
        srv.stop()
    summary = result.summary()
    explain = (
        f"killed with {crash.killed_with} on the wire, cut: {result.cut}; {summary['outcomes']} "
        f"{summary['errors'][:3]}\n{log.read_text(errors='replace')[-1500:]}"
    )

    # The kill really cut requests off (the test cannot pass without a crash).
    assert crash.killed_with is not None, f"the server was never killed: {explain}"
    assert result.cut, f"no request was cut off by the kill: {explain}"
    # Every shopper ended properly after retrying: an order, or told it sold out.
    assert summary["outcomes"]["error"] == 0, explain

    # No order without its stock, no stock or payment without its order.
    audit = stock_audit(variant_id=seeded["variant_id"])
    assert audit["problems"] == [], explain
    assert sorted(Order.objects.values_list("number", flat=True)) == summary["orders"]
    assert audit["stock"] == {"on_hand": UNITS, "reserved": audit["units_ordered"]}
    assert 0 < audit["units_ordered"] <= UNITS

    # Once unpaid orders lapse, every unit is back on sale.
    reservations_expire()
    orders_unpaid_cancel(now=timezone.now() + timedelta(days=3650))
    after = stock_audit(variant_id=seeded["variant_id"])
    assert after["problems"] == []
    assert set(Order.objects.values_list("status", flat=True)) == {OrderStatus.CANCELED}
    stock = Stock.objects.get(variant_id=seeded["variant_id"])
    assert (stock.on_hand - stock.reserved, stock.reserved) == (UNITS, 0)
