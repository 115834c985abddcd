"""`python -m duli.manage demo_data [--products N] [--seed S] [--reset] [--small]`."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from duli.demo.build import catalogue_reset, demo_shop_build, shop_has_products
from duli.demo.synthetic import synthetic_catalogue_build


class Command(BaseCommand):
    help = (
        "Fill the shop with demo data: a bilingual demo shop with pictures, or with "
        "--products N a large synthetic catalogue for benchmarks."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--products",
            type=int,
            default=None,
            help="Build N synthetic products (no pictures) instead of the demo shop.",
        )
        parser.add_argument("--seed", type=int, default=1, help="Random seed (default 1).")
        parser.add_argument(
            "--reset", action="store_true", help="Delete the whole catalogue first."
        )
        parser.add_argument(
            "--small",
            action="store_true",
            help="A demo shop with one product per category (quick; used by the tests).",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        say = self._say
        count = options["products"]
        if count is not None and count < 1:
            self.stderr.write("--products must be 1 or more.")
            raise SystemExit(2)
        if options["reset"]:
            say("Deleting the catalogue …")
            deleted = catalogue_reset(progress=say)
            say(f"Deleted {deleted} products.")
        elif shop_has_products():
            say("The shop already has products; nothing to do (use --reset to start over).")
            return
        if count is not None:
            report = synthetic_catalogue_build(products=count, seed=options["seed"], progress=say)
            indexed = "not available" if report.indexed is None else f"{report.indexed} products"
            say(
                f"Built {report.products} synthetic products with {report.variants} variants "
                f"in {report.seconds:.1f} s (search index: {indexed})."
            )
            return
        built = demo_shop_build(seed=options["seed"], small=options["small"], progress=say)
        say(
            f"Built the demo shop: {built.products} products, {built.variants} variants, "
            f"{built.images} pictures in {built.seconds:.1f} s."
        )

    def _say(self, message: str) -> None:
        self.stdout.write(message)
        self.stdout.flush()
