"""The order's printable documents: the invoice (for the shopper) and the packing slip
(for whoever packs the parcel), rendered to PDF by `duli.core.documents.pdf_render`."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.utils import translation

from duli.core.documents import pdf_render
from duli.core.money import Money
from duli.orders.models import Order
from duli.orders.notifications import address_lines
from duli.payments.providers.registry import installed


def _document_context(order: Order, language: str) -> dict[str, Any]:
    def fmt(m: Money) -> str:
        return m.format(language)

    with translation.override(language):
        provider = installed().get(order.payment_method)
        lines = list(order.lines.all())
        rates = sorted(
            {line.tax_rate for line in lines}
            | ({order.shipping_tax_rate} if order.shipping_method_name else set())
        )
        tax_by_rate = []
        for rate in rates:
            net = sum(
                (line.net for line in lines if line.tax_rate == rate), Money.zero(order.currency)
            )
            tax = sum(
                (line.tax for line in lines if line.tax_rate == rate), Money.zero(order.currency)
            )
            if order.shipping_method_name and order.shipping_tax_rate == rate:
                net, tax = net + order.shipping_net, tax + order.shipping_tax
            tax_by_rate.append({"rate": _percent(rate), "net": fmt(net), "tax": fmt(tax)})
        return {
            "order": order,
            "number": order.number,
            "placed_at": order.created_at,
            "billing": address_lines(order.billing_address or order.shipping_address),
            "shipping_to": address_lines(order.shipping_address),
            "lines": [
                {
                    "name": line.product_name,
                    "variant": line.variant_name,
                    "sku": line.sku,
                    "quantity": line.quantity,
                    "unit": fmt(line.unit_price),
                    "rate": _percent(line.tax_rate),
                    "net": fmt(line.net),
                    "tax": fmt(line.tax),
                    "gross": fmt(line.gross),
                }
                for line in lines
            ],
            "subtotal": fmt(order.subtotal),
            "discount": fmt(order.discount) if order.discount else "",
            "shipping": fmt(order.shipping),
            "shipping_method": order.shipping_method_name,
            "net": fmt(order.net),
            "tax": fmt(order.tax),
            "total": fmt(order.total),
            "paid": fmt(order.paid),
            "refunded": fmt(order.refunded) if order.refunded else "",
            "tax_by_rate": tax_by_rate,
            "prices_include_tax": order.prices_include_tax,
            "payment_method": provider(config={}).label() if provider else order.payment_method,
            "is_paid": order.payment_status != "unpaid",
        }


def _percent(rate: Decimal) -> str:
    return f"{(rate * 100).normalize():f} %"


def order_invoice_pdf(*, order: Order, language: str | None = None) -> bytes:
    """The invoice, in the order's language unless another is asked for."""
    language = language or order.language
    return pdf_render(
        template="documents/orders/invoice.html",
        context=_document_context(order, language),
        language=language,
    )


def order_packing_slip_pdf(*, order: Order, language: str | None = None) -> bytes:
    """The packing slip: what goes in the parcel and where it goes, no prices."""
    language = language or order.language
    return pdf_render(
        template="documents/orders/packing_slip.html",
        context=_document_context(order, language),
        language=language,
    )
