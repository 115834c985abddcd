"""What the order page shows, worked out from one prefetched order (`order_detail`): the
formatted addresses, which actions the order's state offers, the parcels and returns with
their items, and the timeline in words. No queries of its own beyond what is noted."""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from duli.core.money import Money
from duli.customers.addresses import AddressData
from duli.orders.models import Fulfillment, Order, OrderEvent, OrderLine, Return
from duli.orders.services import RETURN_REASONS
from duli.orders.states import (
    FulfillmentStatus,
    OrderStatus,
    PaymentStatus,
    ReturnStatus,
    ShipmentStatus,
)
from duli.payments.models import Payment, PaymentTransaction
from duli.payments.providers.registry import installed


def address_lines(address: dict[str, Any] | None) -> list[str]:
    """An address snapshot as its country writes it, one line per item (no phone)."""
    if not address:
        return []
    return AddressData.from_dict(address).lines()


def customer_name(order: Order) -> str:
    """The name on the order: the shipping address's, else the billing one's."""
    for address in (order.shipping_address, order.billing_address):
        if address:
            name = AddressData.from_dict(address).full_name
            if name:
                return name
    return ""


def payment_method_label(code: str) -> str:
    cls = installed().get(code)
    return cls(config={}).label() if cls is not None else code


@dataclass(frozen=True, slots=True)
class PaymentView:
    """A payment as the order page's Payment card shows it: the method's name, and the
    refunds not (yet) done at the provider."""

    payment: Payment
    label: str
    transactions: list[PaymentTransaction]

    @property
    def failed(self) -> bool:
        return self.payment.status == Payment.Status.FAILED


def payment_views(payments: list[Payment]) -> list[PaymentView]:
    """From payments with their transactions prefetched: no queries."""
    return [
        PaymentView(
            payment=p,
            label=payment_method_label(p.provider),
            transactions=list(p.transactions.all()),
        )
        for p in payments
    ]


@dataclass(frozen=True, slots=True)
class Actions:
    """Which merchant actions the order's current state allows (the services still decide)."""

    mark_paid: bool
    fulfil: bool
    cancel: bool
    refund: bool
    edit_address: bool
    primary: str  # "mark_paid", "fulfil" or ""


def order_actions(order: Order, lines: list[OrderLine], payments: list[Payment]) -> Actions:
    canceled = order.status == OrderStatus.CANCELED
    waiting = any(p.status == Payment.Status.PENDING for p in payments)
    mark_paid = not canceled and order.payment_status == PaymentStatus.UNPAID and waiting
    fulfil = order.status == OrderStatus.CONFIRMED and any(
        line.quantity_unfulfilled > 0 for line in lines
    )
    unshipped = order.fulfillment_status == FulfillmentStatus.UNFULFILLED
    refundable = order.paid - order.refunded
    if order.status == OrderStatus.PENDING and mark_paid:
        primary = "mark_paid"
    elif fulfil:
        primary = "fulfil"
    elif mark_paid:
        primary = "mark_paid"  # cash on delivery, collected after shipping
    else:
        primary = ""
    return Actions(
        mark_paid=mark_paid,
        fulfil=fulfil,
        cancel=not canceled and order.status != OrderStatus.COMPLETED and unshipped,
        refund=order.payment_status in (PaymentStatus.PAID, PaymentStatus.PARTIALLY_REFUNDED)
        and refundable.amount > 0,
        edit_address=not canceled and unshipped and not order.is_pickup,
        primary=primary,
    )


@dataclass
class ItemRow:
    line: OrderLine | None
    name: str
    quantity: int


@dataclass
class ParcelView:
    fulfillment: Fulfillment
    items: list[ItemRow]
    delivered: bool


@dataclass
class ReturnView:
    rma: Return
    items: list[ItemRow]
    reason: str
    forms: dict[str, Any] = field(default_factory=dict)

    @property
    def status(self) -> str:
        return self.rma.status


def _items(rows: Any, by_id: dict[int, OrderLine]) -> list[ItemRow]:
    out = []
    for row in rows:
        line = by_id.get(row.order_line_id)
        name = line_label(line) if line else _("Removed item")
        out.append(ItemRow(line=line, name=name, quantity=row.quantity))
    return out


def line_label(line: OrderLine) -> str:
    return f"{line.product_name} ({line.variant_name})" if line.variant_name else line.product_name


def parcels(order: Order, by_id: dict[int, OrderLine]) -> list[ParcelView]:
    return [
        ParcelView(
            fulfillment=f,
            items=_items(f.lines.all(), by_id),
            delivered=f.status == ShipmentStatus.DELIVERED,
        )
        for f in order.fulfillments.all()
    ]


def returns(order: Order, by_id: dict[int, OrderLine]) -> list[ReturnView]:
    return [
        ReturnView(
            rma=r,
            items=_items(r.lines.all(), by_id),
            reason=str(RETURN_REASONS.get(r.reason, r.reason)),
        )
        for r in order.returns.all()
    ]


# ---------------------------------------------------------------- timeline


@dataclass(frozen=True, slots=True)
class TimelineEntry:
    event: OrderEvent
    title: str
    detail: str
    link: str
    tone: str  # "", "good", "bad", "note"

    @property
    def who(self) -> str:
        e = self.event
        if e.actor_kind == "system":
            return _("Duli")
        if e.actor_kind == "customer":
            return e.actor_label or _("Customer")
        return e.actor_label or (e.actor.email if e.actor else _("Staff"))


_STATUS_LABELS: dict[str, Any] = {
    "status": OrderStatus,
    "payment_status": PaymentStatus,
    "fulfillment_status": FulfillmentStatus,
}


def _label(choices: Any, value: str) -> str:
    try:
        return str(choices(value).label)
    except ValueError:
        return value


def _money(data: dict[str, Any], currency: str, language: str) -> str:
    try:
        return Money(Decimal(str(data.get("amount") or "0")), currency).format(language)
    except (ArithmeticError, ValueError, TypeError):
        return str(data.get("amount", ""))


_EMAILS: dict[str, Any] = {
    "placed": gettext_lazy("order confirmation"),
    "paid": gettext_lazy("payment received"),
    "shipped": gettext_lazy("shipping confirmation"),
    "canceled": gettext_lazy("cancellation"),
    "refunded": gettext_lazy("refund"),
    "return_update": gettext_lazy("return update"),
    "merchant_new_order": gettext_lazy("new order alert"),
}


def timeline(events: list[OrderEvent], *, currency: str, language: str) -> list[TimelineEntry]:
    """The order's events, newest first, each in a sentence."""
    return [_entry(e, currency, language) for e in reversed(events)]


def _entry(e: OrderEvent, currency: str, language: str) -> TimelineEntry:
    d = e.data or {}
    K = OrderEvent.Kind
    note = str(d.get("note") or "")

    def entry(title: str, detail: str = "", link: str = "", tone: str = "") -> TimelineEntry:
        return TimelineEntry(event=e, title=title, detail=detail, link=link, tone=tone)

    if e.kind == K.PLACED:
        return entry(_("Order placed"), _money({"amount": d.get("total")}, currency, language))
    if e.kind in (K.STATUS, K.PAYMENT_STATUS, K.FULFILLMENT_STATUS):
        field_name = {
            K.STATUS: "status",
            K.PAYMENT_STATUS: "payment_status",
            K.FULFILLMENT_STATUS: "fulfillment_status",
        }[K(e.kind)]
        choices = _STATUS_LABELS[field_name]
        what = {
            "status": _("Status"),
            "payment_status": _("Payment"),
            "fulfillment_status": _("Fulfilment"),
        }[field_name]
        title = _("%(what)s: %(from)s → %(to)s") % {
            "what": what,
            "from": _label(choices, str(d.get("from", ""))),
            "to": _label(choices, str(d.get("to", ""))),
        }
        return entry(title, note)
    if e.kind == K.PAID:
        ref = str(d.get("reference") or "")
        detail = _("Reference: %(ref)s") % {"ref": ref} if ref else ""
        title = _("Payment of %(amount)s recorded") % {"amount": _money(d, currency, language)}
        return entry(title, detail, tone="good")
    if e.kind == K.FULFILLED:
        units = int(d.get("units") or 0)
        title = ngettext(
            "Parcel %(seq)s shipped: %(n)d item", "Parcel %(seq)s shipped: %(n)d items", units
        ) % {"seq": d.get("sequence", ""), "n": units}
        bits = [str(d.get("carrier") or ""), str(d.get("tracking_number") or "")]
        return entry(title, " · ".join(b for b in bits if b), str(d.get("tracking_url") or ""))
    if e.kind == K.DELIVERED:
        return entry(_("Parcel %(seq)s delivered") % {"seq": d.get("sequence", "")}, tone="good")
    if e.kind == K.CANCELED:
        return entry(_("Order cancelled"), str(d.get("reason") or ""), tone="bad")
    if e.kind == K.REFUNDED:
        title = _("Refunded %(amount)s") % {"amount": _money(d, currency, language)}
        return entry(title, str(d.get("reason") or ""))
    if e.kind == K.RESTOCKED:
        units = int(d.get("units") or 0)
        return entry(
            ngettext("%(n)d unit put back in stock", "%(n)d units put back in stock", units)
            % {"n": units}
        )
    if e.kind == K.NOTE:
        return entry(_("Internal note"), str(d.get("text") or ""), tone="note")
    if e.kind == K.ADDRESS_CHANGED:
        after = d.get("to") or {}
        return entry(_("Shipping address changed"), ", ".join(address_lines(after)))
    if e.kind == K.RETURN:
        title = _("Return R%(seq)s: %(status)s") % {
            "seq": d.get("sequence", ""),
            "status": _label(ReturnStatus, str(d.get("status", ""))),
        }
        return entry(title, note)
    if e.kind == K.EMAIL_SENT:
        template = str(d.get("template") or "")
        email_kind = _EMAILS.get(template)
        title = _("Email sent: %(what)s") % {"what": email_kind} if email_kind else _("Email sent")
        return entry(title, _("To %(to)s") % {"to": d.get("to", "")})
    return entry(e.get_kind_display())
