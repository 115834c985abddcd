"""Reads of orders for the dashboard, the shopper's account and guest order lookup."""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from datetime import date

from django.db.models import Prefetch, Q, QuerySet

from duli.customers.addresses import AddressData
from duli.orders.models import Fulfillment, Order, OrderEvent, Return


def orders_search(
    *,
    q: str = "",
    status: str = "",
    payment_status: str = "",
    fulfillment_status: str = "",
    date_from: date | None = None,
    date_to: date | None = None,
) -> QuerySet[Order]:
    """The dashboard's order list: filters by each status and by date; `q` matches the
    number, the email or the name on the shipping address."""
    qs = Order.objects.all()
    if status:
        qs = qs.filter(status=status)
    if payment_status:
        qs = qs.filter(payment_status=payment_status)
    if fulfillment_status:
        qs = qs.filter(fulfillment_status=fulfillment_status)
    if date_from:
        qs = qs.filter(created_at__date__gte=date_from)
    if date_to:
        qs = qs.filter(created_at__date__lte=date_to)
    q = q.strip()
    if q:
        qs = qs.filter(
            Q(number__iexact=q.upper())
            | Q(number__icontains=q.upper())
            | Q(email__icontains=q)
            | Q(shipping_address__first_name__icontains=q)
            | Q(shipping_address__last_name__icontains=q)
        )
    return qs.order_by("-created_at", "-pk")


def order_detail(*, order_id: int | None = None, number: str = "") -> Order | None:
    """One order with everything its page shows, in a fixed number of queries."""
    qs = Order.objects.select_related("user").prefetch_related(
        "lines",
        Prefetch(
            "events",
            queryset=OrderEvent.objects.select_related("actor").order_by("created_at", "pk"),
        ),
        Prefetch("fulfillments", queryset=Fulfillment.objects.prefetch_related("lines")),
        Prefetch("returns", queryset=Return.objects.prefetch_related("lines")),
        "payments__transactions",
    )
    if order_id is not None:
        return qs.filter(pk=order_id).first()
    return qs.filter(number=number.strip().upper()).first()


def orders_for_customer(*, user_id: int, emails: Sequence[str] = ()) -> QuerySet[Order]:
    """A shopper's orders: those placed signed in, and guest orders under one of their
    verified email addresses (so signing up later shows past orders)."""
    match = Q(user_id=user_id)
    if emails:
        match |= Q(user__isnull=True, email__in=[e.lower() for e in emails])
    return Order.objects.filter(match).order_by("-created_at", "-pk")


def order_for_guest(*, number: str, email: str) -> Order | None:
    """Guest order lookup: both the number and the email must match."""
    number = number.strip().upper()
    email = email.strip().lower()
    if not number or not email:
        return None
    return Order.objects.filter(number=number, email__iexact=email).first()


def order_timeline(*, order: Order, include_internal: bool) -> list[OrderEvent]:
    events = list(order.events.all())
    return events if include_internal else [e for e in events if not e.is_internal]


CSV_HEADER = (
    "number",
    "placed_at",
    "email",
    "name",
    "country",
    "status",
    "payment_status",
    "fulfillment_status",
    "currency",
    "subtotal",
    "discount",
    "shipping",
    "tax",
    "total",
    "refunded",
    "payment_method",
    "shipping_method",
    "items",
)


def orders_csv_rows(orders: Iterable[Order]) -> Iterator[list[str]]:
    """Rows for the CSV export, header first; streams through `orders` in chunks."""
    yield list(CSV_HEADER)
    for o in orders:
        address = o.shipping_address or {}
        yield [
            o.number,
            o.created_at.isoformat(timespec="seconds"),
            o.email,
            AddressData.from_dict(address).full_name,  # 王小明, not 小明 王
            address.get("country", ""),
            o.status,
            o.payment_status,
            o.fulfillment_status,
            o.currency,
            str(o.subtotal.rounded().amount),
            str(o.discount.rounded().amount),
            str(o.shipping.rounded().amount),
            str(o.tax.rounded().amount),
            str(o.total.rounded().amount),
            str(o.refunded.rounded().amount),
            o.payment_method,
            o.shipping_method_name,
            "; ".join(f"{line.quantity} × {line.sku}" for line in o.lines.all()),
        ]
