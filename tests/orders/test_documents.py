"""Invoices and packing slips as real PDFs, in the order's language."""

from __future__ import annotations

from decimal import Decimal
from io import BytesIO

import pytest
from pypdf import PdfReader

from duli.orders.documents import order_invoice_pdf, order_packing_slip_pdf
from duli.orders.models import Order
from duli.testing.factories import ProductFactory

pytestmark = pytest.mark.django_db


def text_of(pdf: bytes) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(BytesIO(pdf)).pages)


def test_the_invoice_lists_lines_taxes_and_totals(placed, variant):
    order = placed((variant, 2))
    text = text_of(order_invoice_pdf(order=order))
    assert "Invoice" in text and order.number in text
    assert variant.sku in text
    assert "$45.00" in text
    assert "Mountain View" in text


def test_the_packing_slip_has_items_and_address_but_no_prices(placed, variant):
    order = placed((variant, 2))
    text = text_of(order_packing_slip_pdf(order=order))
    assert "Packing slip" in text and variant.sku in text
    assert "$" not in text


def test_a_chinese_order_gets_a_chinese_invoice(placed, shop):
    product = ProductFactory(
        name="Dress", zh_name="夏季碎花连衣裙", variants=1, variants__price=Decimal("99.00")
    )
    order = placed((product.variants.get(), 1))
    Order.objects.filter(pk=order.pk).update(language="zh-hans")
    order.refresh_from_db()
    order.lines.update(product_name="夏季碎花连衣裙")
    text = text_of(order_invoice_pdf(order=order))
    assert "发票" in text or "Invoice" in text
    assert "夏季碎花连衣裙" in text


def test_the_invoice_shows_the_shops_business_address(placed, variant, shop):
    shop.address = "Duli Tea GmbH\nTeestraße 1\n10115 Berlin"
    shop.save()
    text = text_of(order_invoice_pdf(order=placed((variant, 1))))
    assert "Teestraße 1" in text and "10115 Berlin" in text
