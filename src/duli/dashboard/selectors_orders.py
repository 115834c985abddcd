"""Reads for the dashboard's order and customer screens: the order list with its work
queues, the "Orders to handle" counts of the home page, and customers with their order
totals. Each list runs a fixed number of queries whatever its length (DESIGN rule 11).

Order filtering itself is `duli.orders.selectors.orders_search`; this adds the queues and
the per-row figures the dashboard shows.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import Any, Final

from django.db.models import (
    Count,
    DecimalField,
    F,
    Func,
    IntegerField,
    Max,
    Min,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Sum,
    Value,
)
from django.db.models.functions import Coalesce
from django.utils.translation import gettext_lazy as _

from duli.core.money import Money
from duli.customers.models import User
from duli.orders.models import Order, OrderLine, Return
from duli.orders.selectors import orders_for_customer, orders_search
from duli.orders.states import FulfillmentStatus, OrderStatus, ReturnStatus

# Work queues: the tabs above the order list and the counts on the home page share them.
QUEUES: Final[Mapping[str, tuple[Any, Q]]] = {  # key: (label, rule)
    "unpaid": (_("Awaiting payment"), Q(status=OrderStatus.PENDING)),
    "to_fulfil": (
        _("To fulfil"),
        Q(status=OrderStatus.CONFIRMED) & ~Q(fulfillment_status=FulfillmentStatus.FULFILLED),
    ),
    "returns": (
        _("Return requests"),
        Q(pk__in=Return.objects.filter(status=ReturnStatus.REQUESTED).values("order_id")),
    ),
}


def _items_count() -> Coalesce:
    """Units in an order, as a correlated subquery (no join, so no row multiplication)."""
    units = (
        OrderLine.objects.filter(order=OuterRef("pk"))
        .values("order")
        .annotate(n=Sum("quantity"))
        .values("n")
    )
    return Coalesce(Subquery(units, output_field=IntegerField()), Value(0))


def orders_for_dashboard(
    *,
    queue: str = "",
    q: str = "",
    status: str = "",
    payment_status: str = "",
    fulfillment_status: str = "",
    date_from: date | None = None,
    date_to: date | None = None,
) -> QuerySet[Order]:
    """The order list: `orders_search` plus a work queue (a key of `QUEUES`), each row
    annotated with `items` (units ordered). Newest first."""
    qs = orders_search(
        q=q,
        status=status,
        payment_status=payment_status,
        fulfillment_status=fulfillment_status,
        date_from=date_from,
        date_to=date_to,
    )
    if queue in QUEUES:
        qs = qs.filter(QUEUES[queue][1])
    return qs.annotate(items=_items_count())


@dataclass(frozen=True, slots=True)
class QueueCount:
    key: str
    label: str
    count: int


def orders_to_handle() -> list[QueueCount]:
    """How many orders wait in each work queue, in one query."""
    counts = Order.objects.aggregate(
        **{key: Count("pk", filter=rule) for key, (_label, rule) in QUEUES.items()}
    )
    return [
        QueueCount(key=key, label=str(label), count=counts[key] or 0)
        for key, (label, _rule) in QUEUES.items()
    ]


# ---------------------------------------------------------------- customers


def _orders_of_user() -> QuerySet[Order]:
    """Orders belonging to the outer user row: placed signed in, or as a guest under the
    account's email (the same rule as `orders_for_customer`)."""
    return Order.objects.filter(
        Q(user=OuterRef("pk")) | Q(user__isnull=True, email=OuterRef("email"))
    ).order_by()


def customers_for_dashboard(*, q: str = "", currency: str) -> QuerySet[User]:
    """Registered shoppers (not staff), newest first, each with `order_count`,
    `last_order_at` and `total_spent` (paid minus refunded, orders in `currency`)."""
    qs = User.objects.filter(is_staff=False)
    q = q.strip()
    if q:
        qs = qs.filter(Q(email__icontains=q) | Q(full_name__icontains=q))
    # Func, not the Count/Sum aggregates: a bare COUNT()/SUM() over the subquery's rows,
    # with no GROUP BY (the rows match on user or email, not on one column).
    count = _orders_of_user().annotate(n=Func(F("pk"), function="COUNT")).values("n")
    last = _orders_of_user().values_list("created_at", flat=True).order_by("-created_at")[:1]
    spent = (
        _orders_of_user()
        .filter(currency=currency)
        .annotate(spent=Func(F("paid_amount") - F("refunded_amount"), function="SUM"))
        .values("spent")
    )
    return qs.annotate(
        order_count=Coalesce(Subquery(count, output_field=IntegerField()), Value(0)),
        last_order_at=Subquery(last),
        total_spent=Coalesce(
            Subquery(spent, output_field=DecimalField(max_digits=20, decimal_places=4)),
            Value(Decimal(0)),
            output_field=DecimalField(max_digits=20, decimal_places=4),
        ),
    ).order_by("-date_joined", "-pk")


def customer_get(*, user_id: int) -> User | None:
    """A registered shopper; staff accounts are not customers."""
    return User.objects.filter(pk=user_id, is_staff=False).first()


@dataclass(frozen=True, slots=True)
class CustomerStats:
    order_count: int
    first_order_at: datetime | None
    last_order_at: datetime | None
    lifetime_value: list[Money]  # paid minus refunded, one per currency


def customer_orders(*, user: User) -> QuerySet[Order]:
    """The shopper's orders, including guest orders under their email, with `items`."""
    return orders_for_customer(user_id=user.pk, emails=[user.email]).annotate(items=_items_count())


def customer_stats(*, user: User) -> CustomerStats:
    """Order count, first and last order and lifetime value of a shopper, in two queries."""
    orders = orders_for_customer(user_id=user.pk, emails=[user.email]).order_by()
    span = orders.aggregate(n=Count("pk"), first=Min("created_at"), last=Max("created_at"))
    per_currency = (
        orders.values("currency")
        .annotate(spent=Sum(F("paid_amount") - F("refunded_amount")))
        .order_by("currency")
    )
    return CustomerStats(
        order_count=span["n"] or 0,
        first_order_at=span["first"],
        last_order_at=span["last"],
        lifetime_value=[
            Money(row["spent"] or Decimal(0), row["currency"]).rounded() for row in per_currency
        ],
    )
