"""View models of a shopper's order pages: the confirmation, the status page and the order
history. Status, payment and parcels in plain words; money formatted in the active
language; everything read from the order's own snapshot (an order never changes when the
catalogue does), plus current pictures of its variants when they still exist."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import pgettext_lazy

from duli.catalog.selectors import variants_for_checkout
from duli.core.models import ShopSettings
from duli.core.money import Money
from duli.core.selectors import shop_settings_get
from duli.customers.addresses import AddressData
from duli.orders.models import Fulfillment, Order, OrderEvent
from duli.orders.selectors import order_timeline
from duli.orders.states import (
    FulfillmentStatus,
    OrderStatus,
    PaymentStatus,
    ReturnStatus,
    ShipmentStatus,
)
from duli.payments.providers.base import Capability
from duli.payments.providers.registry import installed
from duli.storefront.presenters import Picture, money_text, picture_for


@dataclass(frozen=True, slots=True)
class ProgressStep:
    label: str
    done: bool
    current: bool


@dataclass(frozen=True, slots=True)
class OrderLineView:
    line_id: int
    variant_id: int | None
    product_name: str
    variant_name: str
    quantity: int
    unit_price: str
    total: str
    picture: Picture | None
    url: str


@dataclass(frozen=True, slots=True)
class ParcelView:
    sequence: int
    status: str
    delivered: bool
    carrier: str
    tracking_number: str
    tracking_url: str
    shipped_on: datetime
    delivered_on: datetime | None
    items: list[tuple[str, int]]  # (name, quantity)


@dataclass(frozen=True, slots=True)
class ReturnView:
    label: str  # "7KQ4-M9XA-R1"
    status: str
    tone: str
    requested_on: datetime
    reason: str
    items: list[tuple[str, int]]
    merchant_note: str
    refund: str


@dataclass(frozen=True, slots=True)
class TimelineEntry:
    when: datetime
    text: str


@dataclass(frozen=True, slots=True)
class OrderView:
    order: Order
    number: str
    placed_at: datetime
    email: str
    headline: str
    explanation: str
    tone: str  # "info" | "success" | "warning" | "muted"
    progress: list[ProgressStep]
    payment_method: str
    payment_text: str
    is_bank_transfer: bool
    is_cod: bool
    awaiting_payment: bool  # a bank transfer (or other later payment) is still due
    cod_due: bool  # cash is collected on delivery
    pays_online: bool  # still to be paid through a provider (card, PayPal, Alipay …)
    bank_instructions: str
    lines: list[OrderLineView]
    subtotal: str
    discount: str
    shipping: str
    shipping_name: str
    tax: str
    tax_included: bool
    total: str
    refunded: str
    shipping_lines: list[str]
    billing_lines: list[str]
    phone: str
    pickup_address: str
    note: str
    parcels: list[ParcelView] = field(default_factory=list)
    returns: list[ReturnView] = field(default_factory=list)
    timeline: list[TimelineEntry] = field(default_factory=list)


def _online(code: str) -> bool:
    provider = installed().get(code)
    return provider is not None and Capability.MANUAL not in provider.capabilities


def payment_label(code: str) -> str:
    provider = installed().get(code)
    return (
        str(provider(config={}).label()) if provider is not None else code.replace("_", " ").title()
    )


def _status(order: Order, parcels: list[Fulfillment]) -> tuple[str, str, str]:
    """(headline, one sentence, tone) of where the order is, as a shopper says it."""
    if order.status == OrderStatus.CANCELED:
        if order.payment_status in (PaymentStatus.REFUNDED, PaymentStatus.PARTIALLY_REFUNDED):
            return _("Canceled"), _("This order was canceled and your money refunded."), "muted"
        return _("Canceled"), _("This order was canceled. Nothing will be shipped."), "muted"
    delivered = bool(parcels) and all(p.status == ShipmentStatus.DELIVERED for p in parcels)
    if order.fulfillment_status == FulfillmentStatus.FULFILLED:
        if delivered:
            return _("Delivered"), _("Your order was delivered. Enjoy!"), "success"
        return _("On its way"), _("Everything has shipped. Follow your parcels below."), "success"
    if order.fulfillment_status == FulfillmentStatus.PARTIALLY_FULFILLED:
        return _("Partly shipped"), _("Some items are on their way; the rest follow soon."), "info"
    if order.status == OrderStatus.PENDING:
        if order.payment_method == "bank_transfer":
            return (
                _("Waiting for your payment"),
                _("We ship as soon as your bank transfer arrives."),
                "warning",
            )
        return _("Waiting for payment"), _("We ship as soon as your payment arrives."), "warning"
    return _("Being prepared"), _("We are getting your order ready to ship."), "info"


def _progress(order: Order, parcels: list[Fulfillment]) -> list[ProgressStep]:
    if order.status == OrderStatus.CANCELED:
        return []
    confirmed = order.status in (OrderStatus.CONFIRMED, OrderStatus.COMPLETED)
    shipped = order.fulfillment_status != FulfillmentStatus.UNFULFILLED
    delivered = (
        order.fulfillment_status == FulfillmentStatus.FULFILLED
        and bool(parcels)
        and all(p.status == ShipmentStatus.DELIVERED for p in parcels)
    )
    steps = [
        (_("Placed"), True),
        (_("Paid") if order.payment_method != "cod" else _("Confirmed"), confirmed),
        (_("Shipped"), shipped),
        (_("Delivered"), delivered),
    ]
    last_done = max(i for i, (_label, done) in enumerate(steps) if done)
    return [ProgressStep(label, done, i == last_done) for i, (label, done) in enumerate(steps)]


def _payment_text(order: Order) -> str:
    total = money_text(order.total)
    if order.payment_status == PaymentStatus.REFUNDED:
        return _("%(amount)s refunded") % {"amount": money_text(order.refunded)}
    if order.payment_status == PaymentStatus.PARTIALLY_REFUNDED:
        return _("Paid %(paid)s · %(refunded)s refunded") % {
            "paid": money_text(order.paid),
            "refunded": money_text(order.refunded),
        }
    if order.payment_status == PaymentStatus.PAID:
        return _("Paid %(amount)s") % {"amount": money_text(order.paid)}
    if order.status == OrderStatus.CANCELED:
        return _("Not paid")
    if order.payment_method == "cod":
        return _("Pay %(amount)s in cash when your parcel arrives") % {"amount": total}
    if order.payment_method == "bank_transfer":
        return _("Waiting for your bank transfer of %(amount)s") % {"amount": total}
    return _("Waiting for your payment of %(amount)s") % {"amount": total}


def _lines(order: Order) -> list[OrderLineView]:
    from django.urls import reverse

    lines = list(order.lines.all())
    facts = variants_for_checkout(variant_ids=[ln.variant_id for ln in lines if ln.variant_id])
    out = []
    for line in lines:
        fact = facts.get(line.variant_id) if line.variant_id else None
        out.append(
            OrderLineView(
                line_id=line.pk,
                variant_id=line.variant_id,
                product_name=line.product_name,
                variant_name=line.variant_name,
                quantity=line.quantity,
                unit_price=money_text(line.unit_price),
                total=money_text(line.amount),
                picture=picture_for(fact.image, alt=line.product_name) if fact else None,
                url=reverse("storefront:product", kwargs={"slug": fact.slug})
                if fact and fact.buyable
                else "",
            )
        )
    return out


def _names(order: Order) -> dict[int, str]:
    return {
        line.pk: f"{line.product_name} ({line.variant_name})"
        if line.variant_name
        else line.product_name
        for line in order.lines.all()
    }


def _parcels(order: Order, parcels: list[Fulfillment]) -> list[ParcelView]:
    names = _names(order)
    return [
        ParcelView(
            sequence=p.sequence,
            status=str(ShipmentStatus(p.status).label),
            delivered=p.status == ShipmentStatus.DELIVERED,
            carrier=p.carrier_name,
            tracking_number=p.tracking_number,
            tracking_url=p.tracking_url,
            shipped_on=p.created_at,
            delivered_on=p.delivered_at,
            items=[(names.get(fl.order_line_id, ""), fl.quantity) for fl in p.lines.all()],
        )
        for p in parcels
    ]


RETURN_WORDS: dict[str, tuple[Any, str]] = {
    ReturnStatus.REQUESTED: (pgettext_lazy("return", "Requested — we will reply soon"), "info"),
    ReturnStatus.APPROVED: (pgettext_lazy("return", "Approved — send the items back"), "success"),
    ReturnStatus.REJECTED: (pgettext_lazy("return", "Declined"), "muted"),
    ReturnStatus.RECEIVED: (
        pgettext_lazy("return", "Received — your refund is on its way"),
        "success",
    ),
    ReturnStatus.REFUNDED: (pgettext_lazy("return", "Refunded"), "success"),
}


def _returns(order: Order, reasons: dict[str, Any]) -> list[ReturnView]:
    names = _names(order)
    out = []
    for rma in order.returns.all():
        words, tone = RETURN_WORDS.get(rma.status, (rma.status, "info"))
        out.append(
            ReturnView(
                label=f"{order.number}-R{rma.sequence}",
                status=str(words),
                tone=tone,
                requested_on=rma.created_at,
                reason=str(reasons.get(rma.reason, rma.reason)),
                items=[(names.get(rl.order_line_id, ""), rl.quantity) for rl in rma.lines.all()],
                merchant_note=rma.merchant_note if rma.status == ReturnStatus.REJECTED else "",
                refund=money_text(rma.refund)
                if rma.status == ReturnStatus.REFUNDED and rma.refund_amount
                else "",
            )
        )
    return out


def _event_text(event: OrderEvent, order: Order) -> str:
    kind, data = event.kind, event.data or {}
    K = OrderEvent.Kind
    if kind == K.PLACED:
        return _("Order placed")
    if kind == K.PAID:
        return _("Payment received")
    if kind == K.FULFILLED:
        carrier = data.get("carrier") or ""
        if carrier:
            return _("Parcel %(n)s shipped with %(carrier)s") % {
                "n": data.get("sequence", ""),
                "carrier": carrier,
            }
        return _("Parcel %(n)s shipped") % {"n": data.get("sequence", "")}
    if kind == K.DELIVERED:
        return _("Parcel %(n)s delivered") % {"n": data.get("sequence", "")}
    if kind == K.CANCELED:
        return _("Order canceled")
    if kind == K.REFUNDED:
        try:
            amount = money_text(Money(data.get("amount", "0"), order.currency))
        except ArithmeticError:
            amount = ""
        return _("Refunded %(amount)s") % {"amount": amount} if amount else _("Refunded")
    if kind == K.ADDRESS_CHANGED:
        return _("Shipping address updated")
    if kind == K.PAYMENT_FAILED:
        return _("A payment did not go through")
    if kind == K.RETURN:
        status = str(data.get("status", ""))
        return _("Return %(label)s: %(status)s") % {
            "label": f"{order.number}-R{data.get('sequence', '')}",
            "status": str(RETURN_WORDS.get(status, (status, ""))[0]),
        }
    if kind == K.STATUS and data.get("to") == OrderStatus.CONFIRMED:
        return _("Order confirmed")
    if kind == K.STATUS and data.get("to") == OrderStatus.COMPLETED:
        return _("Order completed")
    return ""  # internal bookkeeping (stock, emails, duplicate status rows): not shown


def _timeline(order: Order) -> list[TimelineEntry]:
    entries = [
        TimelineEntry(when=e.created_at, text=text)
        for e in order_timeline(order=order, include_internal=False)
        if (text := _event_text(e, order))
    ]
    return list(reversed(entries))


def _pickup_address(order: Order) -> str:
    """Where a pickup order is collected, as it was when the order was placed."""
    return order.pickup_address if order.is_pickup else ""


def order_view(
    order: Order,
    *,
    full: bool = True,
    return_reasons: dict[str, Any] | None = None,
    shop: ShopSettings | None = None,
) -> OrderView:
    """Everything an order page shows. `full=False` leaves out parcels, returns and the
    timeline (the confirmation page needs none of them)."""
    parcels = list(order.fulfillments.all())
    headline, explanation, tone = _status(order, parcels)
    shop = shop or shop_settings_get()
    bank = order.payment_method == "bank_transfer"
    awaiting = order.payment_status == PaymentStatus.UNPAID and order.status == OrderStatus.PENDING
    shipping_data = order.shipping_address or {}
    return OrderView(
        order=order,
        number=order.number,
        placed_at=order.created_at,
        email=order.email,
        headline=headline,
        explanation=explanation,
        tone=tone,
        progress=_progress(order, parcels),
        payment_method=payment_label(order.payment_method),
        payment_text=_payment_text(order),
        is_bank_transfer=bank,
        is_cod=order.payment_method == "cod",
        awaiting_payment=awaiting,
        pays_online=awaiting and _online(order.payment_method),
        cod_due=order.payment_method == "cod"
        and order.payment_status == PaymentStatus.UNPAID
        and order.status != OrderStatus.CANCELED,
        bank_instructions=str(
            shop.safe_translation_getter("bank_transfer_instructions", any_language=True) or ""
        )
        if bank
        else "",
        lines=_lines(order),
        subtotal=money_text(order.subtotal),
        discount=money_text(-order.discount) if order.discount else "",
        shipping=(money_text(order.shipping) if order.shipping else _("Free"))
        if order.shipping_method_name
        else "",
        shipping_name=order.shipping_method_name,
        tax=money_text(order.tax),
        tax_included=order.prices_include_tax,
        total=money_text(order.total),
        refunded=money_text(order.refunded) if order.refunded_amount else "",
        shipping_lines=AddressData.from_dict(shipping_data).lines() if shipping_data else [],
        billing_lines=AddressData.from_dict(order.billing_address).lines()
        if order.billing_address and order.billing_address != shipping_data
        else [],
        phone=str(shipping_data.get("phone") or ""),
        pickup_address=_pickup_address(order),
        note=order.customer_note,
        parcels=_parcels(order, parcels) if full else [],
        returns=_returns(order, return_reasons or {}) if full else [],
        timeline=_timeline(order) if full else [],
    )


@dataclass(frozen=True, slots=True)
class OrderRow:
    number: str
    placed_at: datetime
    status: str
    tone: str
    total: str
    items: int


def order_rows(orders: list[Order]) -> list[OrderRow]:
    """The order history's rows (orders prefetched with lines and fulfillments)."""
    rows = []
    for order in orders:
        headline, _explanation, tone = _status(order, list(order.fulfillments.all()))
        rows.append(
            OrderRow(
                number=order.number,
                placed_at=order.created_at,
                status=headline,
                tone=tone,
                total=money_text(order.total),
                items=sum(line.quantity for line in order.lines.all()),
            )
        )
    return rows
