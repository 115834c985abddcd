"""The flash sale's pure parts: percentiles, the invariant's verdict, the docs block."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "bench"))

from duli_bench import flash

BENCH = Path(__file__).resolve().parents[2] / "bench"


def _flash_sale() -> ModuleType:
    spec = importlib.util.spec_from_file_location("flash_sale", BENCH / "flash_sale.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _summary(**outcomes: int) -> dict[str, Any]:
    return {"outcomes": dict.fromkeys(flash.OUTCOMES, 0) | outcomes}


def _audit(*, orders: int, on_hand: int, reserved: int) -> dict[str, Any]:
    return {
        "problems": [],
        "orders_for_variant": orders,
        "units_ordered": orders,
        "stock": {"on_hand": on_hand, "reserved": reserved},
    }


def test_percentile_interpolates_between_the_closest_ranks():
    values = [10.0, 20.0, 30.0, 40.0]
    assert flash.percentile(values, 50) == pytest.approx(25.0)
    assert flash.percentile(values, 100) == 40.0
    assert flash.percentile([], 95) is None


def test_a_sale_with_exactly_the_units_ordered_and_the_rest_sold_out_holds():
    summary = _summary(ordered=5, sold_out_place=30, sold_out_steps=5)
    assert flash.invariant_problems(summary, _audit(orders=5, on_hand=5, reserved=5), units=5) == []


def test_an_oversold_sale_fails_with_the_reasons():
    summary = _summary(ordered=6, sold_out_place=34)
    problems = flash.invariant_problems(summary, _audit(orders=6, on_hand=5, reserved=6), units=5)
    assert "6 shoppers were told they ordered, not 5" in problems
    assert "6 orders in the database, not 5" in problems
    assert any(p.startswith("stock after: 5 on hand, 6 reserved") for p in problems)


def test_a_shopper_ending_in_an_error_fails_the_sale():
    summary = _summary(ordered=5, sold_out_place=34, error=1)
    problems = flash.invariant_problems(summary, _audit(orders=5, on_hand=5, reserved=5), units=5)
    assert problems == ["1 shopper(s) ended with an error"]


def test_the_docs_block_of_one_database_is_replaced_and_everything_else_kept():
    docs = _flash_sale().docs_with_flash
    doc = "# Benchmarks\n\nIntro.\n\n## Latest results\n\nresults\n"
    first = docs(doc, "sqlite", "### SQLite run 1")
    both = docs(first, "postgres", "### PostgreSQL run 1")
    again = docs(both, "sqlite", "### SQLite run 2")
    assert again.startswith("# Benchmarks\n\nIntro.\n\n## Flash sale\n")
    assert again.endswith("## Latest results\n\nresults\n")
    assert "SQLite run 2" in again and "SQLite run 1" not in again
    assert "PostgreSQL run 1" in again
    assert again == both.replace("SQLite run 1", "SQLite run 2")


def test_database_urls_for_the_server_name_the_test_database():
    pg = {
        "ENGINE": "django.db.backends.postgresql",
        "NAME": "test_duli",
        "USER": "postgres",
        "PASSWORD": "",
        "HOST": "127.0.0.1",
        "PORT": "5432",
    }
    assert flash.database_url(pg) == "postgres://postgres@127.0.0.1:5432/test_duli"
    lite = {"ENGINE": "django.db.backends.sqlite3", "NAME": "/tmp/x/test.sqlite3"}
    assert flash.database_url(lite) == "sqlite:////tmp/x/test.sqlite3"
