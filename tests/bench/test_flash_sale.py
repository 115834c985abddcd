"""A small flash sale in the suite: the benchmark's load generator (bench/duli_bench/flash.py)
against a real gunicorn serving the test database over HTTP.

The server runs the production settings (the bench's `duli_bench.settings`: Duli's settings
plus the ceiling view the harness polls until the server answers), DEBUG off, tasks run
immediately, in its own process group that is killed however the test ends.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "bench"))

from duli_bench import flash
from duli_bench import harness as h
from duli_bench.flash_shop import shop_seed, stock_audit

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.concurrency]

SHOPPERS = 40
UNITS = 5


def _explain(summary: dict[str, Any], log: Path) -> str:
    tail = log.read_text(errors="replace")[-2000:] if log.exists() else ""
    return f"outcomes {summary['outcomes']}, errors {summary['errors'][:3]}\n{tail}"


def test_forty_shoppers_for_five_units_make_exactly_five_orders_over_http(tmp_path: Path) -> None:
    seeded = shop_seed(units=UNITS)
    env = flash.suite_server_env(db=settings.DATABASES["default"], data_dir=tmp_path / "data")
    log = tmp_path / "server.log"

    with flash.live_server(env, log=log, deadline=h.Deadline(50)) as srv:
        result = flash.run_load(
            flash.FlashLoad(
                target=flash.Target(srv.base),
                variant_id=seeded["variant_id"],
                shipping_method_id=seeded["shipping_method_id"],
                shoppers=SHOPPERS,
                timeout=40,
            )
        )

    summary = result.summary()
    audit = stock_audit(variant_id=seeded["variant_id"])
    assert flash.invariant_problems(summary, audit, units=UNITS) == [], _explain(summary, log)
    outcomes = summary["outcomes"]
    assert outcomes["ordered"] == UNITS
    sold_out = outcomes["sold_out_add"] + outcomes["sold_out_steps"] + outcomes["sold_out_place"]
    assert sold_out == SHOPPERS - UNITS
    assert audit["stock"] == {"on_hand": UNITS, "reserved": UNITS}
    assert len(set(summary["orders"])) == UNITS
