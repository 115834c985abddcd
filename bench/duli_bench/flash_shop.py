"""The flash sale's shop, inside Django: seed it, audit it, profile one checkout.

Imported by the tests (where Django is already set up) and run as a module by
`bench/flash_sale.py` against the bench's database:

    DJANGO_SETTINGS_MODULE=duli_bench.settings PYTHONPATH=bench \\
        .venv/bin/python -m duli_bench.flash_shop seed --units 20
    ... -m duli_bench.flash_shop audit --variant 1 --units 20
    ... -m duli_bench.flash_shop profile --shipping-method 1

Each command prints one JSON object as its last line of output.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from collections import defaultdict
from decimal import Decimal
from typing import Any, cast

ADDRESS = {
    "first_name": "Ada",
    "last_name": "Lovelace",
    "street_address_1": "1600 Amphitheatre Pkwy",
    "city": "Mountain View",
    "country_area": "CA",
    "postal_code": "94043",
    "country": "US",
}
PRODUCT_SLUG = "flash-sale-tee"


def shop_seed(*, units: int, slug: str = PRODUCT_SLUG, price: str = "19.00") -> dict[str, int]:
    """A shop ready to sell one product with one variant and exactly `units` units: USD, US
    shipping zone with a flat method, the manual payment methods. Returns the ids the load
    generator needs. Safe to call again for a second product (another `slug`)."""
    from duli.catalog.models import ProductVariant
    from duli.inventory.models import Stock
    from duli.shipping.models import ShippingMethod, ShippingZone
    from duli.testing.checkout_factories import shipping_ready, shop_ready
    from duli.testing.factories import VariantFactory

    shop_ready(contact_email="owner@example.com", bank_transfer_instructions="IBAN DE00 1234")
    method = ShippingMethod.objects.filter(zone__name="Flash sale", kind="flat").first()
    if method is None:
        method = shipping_ready(delivery_estimate="3–5 days")
        ShippingZone.objects.filter(pk=method.zone_id).update(name="Flash sale")
    variant = cast(
        ProductVariant,
        VariantFactory(
            price_amount=Decimal(price),
            sku=f"{slug.upper()}-1",
            stock=units,
            product__slug=slug,
            product__name=slug.replace("-", " ").title(),
            product__category__slug=f"{slug}-category",
            product__category__name=f"{slug.replace('-', ' ').title()} category",
        ),
    )
    stock = Stock.objects.get(variant=variant)
    return {"variant_id": variant.pk, "shipping_method_id": method.pk, "stock_id": stock.pk}


def stock_audit(*, variant_id: int | None = None) -> dict[str, Any]:
    """The stock and order facts a flash sale or a crash must leave consistent, and every
    inconsistency found, as readable sentences in `problems` (empty when all is well):

    - every Stock row: 0 <= reserved <= on_hand, and reserved == the sum of its ACTIVE
      reservations;
    - no ledger row with a negative `on_hand_after` or `reserved_after` > `on_hand_after`;
    - every order has lines, and each line's units are held under `order:<number>`
      (ACTIVE while the order is pending, COMMITTED once confirmed, RELEASED once cancelled);
    - no reservation names an order that does not exist; no payment without an order; no
      checkout marked completed without its order.
    """
    from django.db.models import Sum

    from duli.checkout.models import Checkout
    from duli.inventory.models import Reservation, Stock, StockMovement
    from duli.orders.models import Order, OrderLine
    from duli.orders.states import OrderStatus
    from duli.payments.models import Payment

    problems: list[str] = []
    active = dict(
        Reservation.objects.filter(status=Reservation.Status.ACTIVE)
        .values("stock_id")
        .annotate(n=Sum("quantity"))
        .values_list("stock_id", "n")
    )
    for stock in Stock.objects.order_by("pk"):
        if not 0 <= stock.reserved <= stock.on_hand:
            problems.append(f"stock {stock.pk}: {stock.reserved} reserved of {stock.on_hand}")
        held = active.get(stock.pk) or 0
        if stock.reserved != held:
            problems.append(
                f"stock {stock.pk}: reserved is {stock.reserved} but active reservations "
                f"hold {held}"
            )
    bad_ledger = StockMovement.objects.filter(on_hand_after__lt=0).count()
    bad_ledger += sum(
        1
        for m in StockMovement.objects.only("on_hand_after", "reserved_after")
        if m.reserved_after > m.on_hand_after or m.reserved_after < 0
    )
    if bad_ledger:
        problems.append(f"{bad_ledger} ledger row(s) with impossible on_hand/reserved after")

    orders = {o.number: o for o in Order.objects.all()}
    lines: dict[int, dict[int, int]] = defaultdict(dict)
    for line in OrderLine.objects.all():
        per = lines[line.order_id]
        per[line.variant_id or 0] = per.get(line.variant_id or 0, 0) + line.quantity
    held_by: dict[str, dict[str, dict[int, int]]] = defaultdict(lambda: defaultdict(dict))
    for r in Reservation.objects.select_related("stock"):
        per = held_by[r.reference][r.status]
        per[r.stock.variant_id] = per.get(r.stock.variant_id, 0) + r.quantity
        number = r.reference.removeprefix("order:")
        if r.reference.startswith("order:") and number not in orders:
            problems.append(f"reservation {r.pk} names order {number}, which does not exist")
    expected_status: dict[str, str] = {
        OrderStatus.PENDING: Reservation.Status.ACTIVE,
        OrderStatus.CANCELED: Reservation.Status.RELEASED,
    }
    for number, order in orders.items():
        wanted = lines.get(order.pk)
        if not wanted:
            problems.append(f"order {number} has no lines")
            continue
        status = expected_status.get(order.status, Reservation.Status.COMMITTED)
        got = held_by.get(f"order:{number}", {}).get(status, {})
        if got != wanted:
            problems.append(
                f"order {number} ({order.status}) has lines {wanted} but {status} "
                f"reservations {got}"
            )
    orphans = Payment.objects.exclude(order_id__in=Order.objects.values("pk")).count()
    if orphans:
        problems.append(f"{orphans} payment(s) without an order")
    lost = (
        Checkout.objects.filter(status=Checkout.Status.COMPLETED)
        .exclude(pk__in=Order.objects.exclude(checkout_token=None).values("checkout_token"))
        .count()
    )
    if lost:
        problems.append(f"{lost} checkout(s) completed without an order")

    facts: dict[str, Any] = {
        "orders": len(orders),
        "orders_by_status": _count_by(o.status for o in orders.values()),
        "payments": Payment.objects.count(),
        "reservations_active": sum(active.values()),
        "problems": problems,
    }
    if variant_id is not None:
        stock = Stock.objects.get(variant_id=variant_id)
        facts["stock"] = {"on_hand": stock.on_hand, "reserved": stock.reserved}
        facts["orders_for_variant"] = (
            OrderLine.objects.filter(variant_id=variant_id).values("order_id").distinct().count()
        )
        facts["units_ordered"] = (
            OrderLine.objects.filter(variant_id=variant_id).aggregate(n=Sum("quantity"))["n"] or 0
        )
        facts["ledger"] = {
            "rows": StockMovement.objects.filter(stock=stock).count(),
            "min_on_hand_after": min(
                StockMovement.objects.filter(stock=stock).values_list("on_hand_after", flat=True),
                default=None,
            ),
            "max_reserved_after": max(
                StockMovement.objects.filter(stock=stock).values_list("reserved_after", flat=True),
                default=None,
            ),
        }
    return facts


def _count_by(values: Any) -> dict[str, int]:
    out: dict[str, int] = {}
    for v in values:
        out[str(v)] = out.get(str(v), 0) + 1
    return out


def checkout_profile(
    *, shipping_method_id: int, rounds: int = 3, slug: str = "flash-profile"
) -> list[dict[str, Any]]:
    """The load generator's journey run in-process with Django's test client on a product
    of its own: per request, the queries (and of them writes), the milliseconds, the CPU
    milliseconds of this process and the milliseconds spent in SQL. One warm-up journey,
    then the median of `rounds` journeys (each a new shopper). What the server pays per
    step, without HTTP, queueing or the load generator in the picture."""
    import re
    import statistics

    from django.db import connection
    from django.test import Client

    seeded = shop_seed(units=rounds + 1, slug=slug)
    runs: list[list[dict[str, Any]]] = []
    client = Client(enforce_csrf_checks=False)  # one handler, as in a server process
    for n in range(rounds + 1):
        client.cookies.clear()  # a new shopper
        steps: list[tuple[str, str, str, dict[str, str]]] = [
            ("cart count", "get", "/cart/count/", {}),
            ("add to cart", "post", "/cart/add/", {"variant": str(seeded["variant_id"])}),
            ("information", "post", "/checkout/information/", _information(f"p{n}@example.com")),
            ("shipping", "post", "/checkout/shipping/", {"method": str(shipping_method_id)}),
            ("payment page", "get", "/checkout/payment/", {}),
            ("place order", "post", "/checkout/place/", {}),
            ("thank-you page", "get", "", {}),
        ]
        rows: list[dict[str, Any]] = []
        checkout_id = ""
        location = ""
        for name, verb, path, data in steps:
            if name == "place order":
                data = {"checkout_id": checkout_id, "payment_method": "bank_transfer", "note": ""}
            if name == "thank-you page":
                path = location
            headers = {"Accept": "application/json"} if verb == "post" and "cart" in name else {}
            queries: list[tuple[str, float]] = []

            def timed(execute: Any, sql: str, params: Any, many: bool, context: Any) -> Any:
                began = time.perf_counter()
                try:
                    return execute(sql, params, many, context)
                finally:
                    queries.append((sql, time.perf_counter() - began))  # noqa: B023

            with connection.execute_wrapper(timed):
                cpu, start = time.process_time(), time.perf_counter()
                resp = getattr(client, verb)(path, data, headers=headers)
                ms = (time.perf_counter() - start) * 1000
                cpu_ms = (time.process_time() - cpu) * 1000
            if name == "payment page":
                found = re.search(r'name="checkout_id" value="([^"]+)"', resp.content.decode())
                checkout_id = found.group(1) if found else ""
            location = resp.get("Location", "")
            verbs = [sql.lstrip().split(" ", 1)[0].upper() for sql, _ in queries]
            rows.append(
                {
                    "step": name,
                    "status": resp.status_code,
                    "queries": len(queries),
                    "writes": sum(1 for v in verbs if v in ("INSERT", "UPDATE", "DELETE")),
                    "ms": ms,
                    "cpu_ms": cpu_ms,
                    "sql_ms": 1000 * sum(seconds for _, seconds in queries),
                }
            )
        runs.append(rows)
    measured = runs[1:]
    return [
        {
            **measured[-1][i],
            **{
                k: round(statistics.median(r[i][k] for r in measured), 1)
                for k in ("ms", "cpu_ms", "sql_ms")
            },
        }
        for i in range(len(measured[0]))
    ]


def _information(email: str) -> dict[str, str]:
    return {
        "email": email,
        "address_choice": "new",
        "billing_same": "1",
        **{f"shipping-{k}": v for k, v in ADDRESS.items()},
    }


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__)
    sub = p.add_subparsers(dest="command", required=True)
    seed = sub.add_parser("seed")
    seed.add_argument("--units", type=int, required=True)
    audit = sub.add_parser("audit")
    audit.add_argument("--variant", type=int, required=True)
    prof = sub.add_parser("profile")
    prof.add_argument("--shipping-method", type=int, required=True)
    args = p.parse_args(argv)

    import django

    django.setup()
    result: Any
    if args.command == "seed":
        result = shop_seed(units=args.units)
    elif args.command == "audit":
        result = stock_audit(variant_id=args.variant)
    else:
        result = checkout_profile(shipping_method_id=args.shipping_method)
    print(json.dumps(result, default=str))
    return 0


if __name__ == "__main__":
    sys.exit(main())
