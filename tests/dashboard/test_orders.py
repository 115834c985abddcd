"""The merchant's order pages: list (queues, filters, search, CSV), the order page, and each
action through the page — its rows, timeline and message, its double submit doing the work
once, and its refusals leaving nothing behind."""

from __future__ import annotations

import csv
import io
from datetime import datetime
from decimal import Decimal

import pytest
import time_machine
from django.contrib.messages import get_messages
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from duli.core.actors import Actor
from duli.inventory.models import Stock
from duli.orders.models import Fulfillment, Order, OrderEvent, Return
from duli.orders.services import order_note_add, return_approve, return_receive
from duli.orders.states import FulfillmentStatus, OrderStatus, PaymentStatus, ReturnStatus
from duli.payments.models import PaymentTransaction
from duli.shipping.models import Carrier
from duli.testing.factories import UserFactory, VariantFactory
from duli.testing.order_factories import (
    ADDRESS_CN,
    ADDRESS_US,
    order_paid,
    order_placed,
    order_shipped,
    return_requested,
    shop_ready,
)
from tests.dashboard.conftest import form_values

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _shop(db):
    shop_ready()


@pytest.fixture
def variant():
    return VariantFactory(price_amount=Decimal("20.00"), stock=10)


@pytest.fixture
def ups(db) -> Carrier:
    return Carrier.objects.create(
        name="UPS", code="ups", tracking_url_template="https://www.ups.com/track?tracknum={number}"
    )


def url(name: str, *args: int) -> str:
    return reverse(f"dashboard:{name}", args=args)


def messages_of(response) -> list[str]:
    return [str(m) for m in get_messages(response.wsgi_request)]


def action_values(client: Client, name: str, *args: int, **changes) -> dict:
    """What the action's own page would post (initial values, a fresh key), changed."""
    response = client.get(url(name, *args))
    assert response.status_code == 200
    data = form_values(response.context["form"])
    data.update(changes)
    return data


def on_hand(variant) -> int:
    return Stock.objects.get(variant=variant).on_hand


def kinds(order: Order) -> list[str]:
    return list(order.events.order_by("pk").values_list("kind", flat=True))


# ---------------------------------------------------------------- access


def test_non_staff_are_refused_every_order_page_and_action(variant):
    order = order_placed((variant, 1))
    shopper = Client()
    shopper.force_login(UserFactory())
    for page in (url("order_list"), url("order_export"), url("order_detail", order.pk)):
        assert shopper.get(page).status_code == 403
    response = shopper.post(url("order_mark_paid", order.pk), {"idempotency_key": "k1"})
    assert response.status_code == 403
    assert Client().get(url("order_detail", order.pk)).status_code == 302  # to sign in
    order.refresh_from_db()
    assert order.payment_status == PaymentStatus.UNPAID
    assert not PaymentTransaction.objects.exists()


# ---------------------------------------------------------------- list


def listed(client: Client, **params) -> list[str]:
    response = client.get(url("order_list"), params)
    assert response.status_code == 200
    return [row.order.number for row in response.context["rows"]]


def test_list_shows_number_customer_badges_items_and_total(staff_client, variant):
    order = order_placed((variant, 3), address=ADDRESS_CN)

    response = staff_client.get(url("order_list"))

    html = response.content.decode()
    assert order.number in html
    assert "王小明" in html
    assert "Awaiting payment" in html and "Unpaid" in html and "Unfulfilled" in html
    assert "3 items" in html
    assert "$65.00" in html  # 3 × 20.00 + 5.00 shipping


def test_list_filters_by_each_status(staff_client, variant):
    pending = order_placed((variant, 1))
    paid = order_paid((variant, 1))
    shipped = order_shipped((variant, 1))

    assert listed(staff_client, status="pending") == [pending.number]
    assert listed(staff_client, payment_status="paid") == [shipped.number, paid.number]
    assert listed(staff_client, fulfillment_status="fulfilled") == [shipped.number]
    assert listed(staff_client, status="confirmed", fulfillment_status="unfulfilled") == [
        paid.number
    ]


def test_list_filters_by_date_range(staff_client, variant):
    with time_machine.travel(datetime(2025, 3, 1, 12, tzinfo=timezone.UTC)):
        march = order_placed((variant, 1))
    with time_machine.travel(datetime(2025, 4, 15, 12, tzinfo=timezone.UTC)):
        april = order_placed((variant, 1))

    assert listed(staff_client, date_from="2025-04-01") == [april.number]
    assert listed(staff_client, date_to="2025-03-31") == [march.number]
    assert listed(staff_client, date_from="2025-03-01", date_to="2025-04-15") == [
        april.number,
        march.number,
    ]


def test_a_bad_date_range_is_reported_and_ignored(staff_client, variant):
    order = order_placed((variant, 1))

    response = staff_client.get(
        url("order_list"), {"date_from": "2025-05-01", "date_to": "2025-04-01"}
    )

    assert "The end date is before the start date." in response.content.decode()
    assert [r.order.number for r in response.context["rows"]] == [order.number]
    assert (
        "Enter a valid date."
        in staff_client.get(url("order_list"), {"date_from": "yesterday"}).content.decode()
    )


def test_list_search_by_number_email_and_name(staff_client, variant):
    ada = order_placed((variant, 1), email="ada@example.com")
    wang = order_placed((variant, 1), email="wang@example.cn", address=ADDRESS_CN)

    assert listed(staff_client, q=ada.number.lower()) == [ada.number]
    assert listed(staff_client, q="wang@example") == [wang.number]
    assert listed(staff_client, q="Lovelace") == [ada.number]
    assert listed(staff_client, q="小明") == [wang.number]
    assert listed(staff_client, q="nobody") == []


def test_list_queues_of_orders_to_handle(staff_client, variant):
    unpaid = order_placed((variant, 1))
    to_fulfil = order_paid((variant, 1))
    cod = order_placed((variant, 1), payment="cod")
    returned = order_shipped((variant, 1))
    return_requested(returned)

    assert listed(staff_client, queue="unpaid") == [unpaid.number]
    assert listed(staff_client, queue="to_fulfil") == [cod.number, to_fulfil.number]
    assert listed(staff_client, queue="returns") == [returned.number]
    counts = {q.key: q.count for q in staff_client.get(url("order_list")).context["queues"]}
    assert counts == {"unpaid": 1, "to_fulfil": 2, "returns": 1}


def test_list_query_count_does_not_grow_with_the_page(staff_client, variant):
    order_placed((variant, 1))
    staff_client.get(url("order_list"))
    with CaptureQueriesContext(connection) as few:
        assert staff_client.get(url("order_list")).status_code == 200
    for i in range(6):
        order_placed((variant, 1), (VariantFactory(stock=5), 2), email=f"s{i}@example.com")
    with CaptureQueriesContext(connection) as many:
        response = staff_client.get(url("order_list"))
    assert len(response.context["rows"]) == 7
    assert len(many.captured_queries) == len(few.captured_queries)


# ---------------------------------------------------------------- CSV


def csv_rows(response) -> list[list[str]]:
    body = b"".join(response.streaming_content)
    assert body.startswith("\ufeff".encode())  # BOM: Excel opens it as UTF-8
    return list(csv.reader(io.StringIO(body.decode("utf-8-sig"))))


def test_csv_export_has_a_header_and_chinese_names(staff_client, variant):
    order = order_placed((variant, 2), address=ADDRESS_CN, email="wang@example.cn")

    response = staff_client.get(url("order_export"))

    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"].startswith('attachment; filename="orders-')
    rows = csv_rows(response)
    assert rows[0][:4] == ["number", "placed_at", "email", "name"]
    assert rows[1][:5] == [order.number, rows[1][1], "wang@example.cn", "王小明", "CN"]
    assert rows[1][-1] == f"2 × {variant.sku}"


def test_csv_export_follows_the_lists_filters(staff_client, variant):
    order_placed((variant, 1))
    paid = order_paid((variant, 1))

    rows = csv_rows(staff_client.get(url("order_export"), {"payment_status": "paid"}))

    assert [r[0] for r in rows[1:]] == [paid.number]


def test_csv_export_neutralises_spreadsheet_formulas(staff_client, variant):
    order_placed((variant, 1), address={**ADDRESS_US, "first_name": "=HYPERLINK(1)"})

    rows = csv_rows(staff_client.get(url("order_export")))

    assert rows[1][3] == "'=HYPERLINK(1) Lovelace"


# ---------------------------------------------------------------- the order page


def test_order_page_shows_lines_totals_addresses_payment_and_timeline(staff_client, variant):
    order = order_paid((variant, 2), address=ADDRESS_CN, note="请周末送货")

    response = staff_client.get(url("order_detail", order.pk))

    assert response.status_code == 200
    html = response.content.decode()
    for text in (
        order.number,
        variant.sku,
        "$40.00",  # line
        "$45.00",  # total
        "王小明",
        "世纪大道100号",
        "Bank transfer",
        "请周末送货",
        "Payment of $45.00 recorded",
        "Same as shipping address",
    ):
        assert text in html, text
    assert response.context["actions"].primary == "fulfil"


def test_primary_action_follows_the_state(staff_client, variant):
    def primary(order):
        return staff_client.get(url("order_detail", order.pk)).context["actions"].primary

    assert primary(order_placed((variant, 1))) == "mark_paid"
    assert primary(order_paid((variant, 1))) == "fulfil"
    assert primary(order_placed((variant, 1), payment="cod")) == "fulfil"
    assert primary(order_shipped((variant, 1))) == ""


def test_order_page_query_count_does_not_grow_with_lines_and_events(staff_client, staff):
    small = order_shipped((VariantFactory(stock=5), 1))
    big = order_shipped(*[(VariantFactory(stock=5), 2) for _ in range(5)])
    for i in range(4):
        order_note_add(order_id=big.pk, text=f"note {i}", actor=Actor.of(staff))
    staff_client.get(url("order_detail", small.pk))

    with CaptureQueriesContext(connection) as few:
        staff_client.get(url("order_detail", small.pk))
    with CaptureQueriesContext(connection) as many:
        response = staff_client.get(url("order_detail", big.pk))

    assert len(response.context["lines"]) == 5
    assert len(many.captured_queries) == len(few.captured_queries)


def test_unknown_order_is_404(staff_client):
    assert staff_client.get(url("order_detail", 999)).status_code == 404
    assert staff_client.get(url("order_fulfil", 999)).status_code == 404


# ---------------------------------------------------------------- mark paid


def test_mark_paid_through_the_page(staff_client, staff, variant):
    order = order_placed((variant, 2))
    data = action_values(staff_client, "order_mark_paid", order.pk, reference="BANK-77")

    response = staff_client.post(url("order_mark_paid", order.pk), data)

    assert response.status_code == 302
    assert response["Location"] == url("order_detail", order.pk)
    assert messages_of(response) == [f"Order {order.number} is marked as paid."]
    order.refresh_from_db()
    assert (order.status, order.payment_status) == (OrderStatus.CONFIRMED, PaymentStatus.PAID)
    tx = PaymentTransaction.objects.get()
    assert (tx.amount, tx.reference, tx.actor_id) == (order.total, "BANK-77", staff.pk)
    paid = order.events.get(kind=OrderEvent.Kind.PAID)
    assert (paid.actor_id, paid.actor_kind, paid.data["reference"]) == (
        staff.pk,
        "staff",
        "BANK-77",
    )


def test_mark_paid_submitted_twice_records_one_payment(staff_client, variant):
    order = order_placed((variant, 1))
    data = action_values(staff_client, "order_mark_paid", order.pk)

    first = staff_client.post(url("order_mark_paid", order.pk), data)
    second = staff_client.post(url("order_mark_paid", order.pk), data)

    assert (first.status_code, second.status_code) == (302, 302)
    assert PaymentTransaction.objects.count() == 1
    assert order.events.filter(kind=OrderEvent.Kind.PAID).count() == 1


def test_mark_paid_again_with_a_new_form_is_refused(staff_client, variant):
    order = order_paid((variant, 1))

    response = staff_client.post(url("order_mark_paid", order.pk), {"idempotency_key": "new"})

    assert response.status_code == 409
    assert "This order is already paid." in response.content.decode()
    assert PaymentTransaction.objects.count() == 1


# ---------------------------------------------------------------- fulfil


def test_fulfil_form_offers_everything_left_to_ship(staff_client, variant):
    other = VariantFactory(stock=5)
    order = order_paid((variant, 3), (other, 1))

    form = staff_client.get(url("order_fulfil", order.pk)).context["form"]

    assert [(line.sku, field.value()) for line, field in form.line_rows] == [
        (variant.sku, 3),
        (other.sku, 1),
    ]


def test_fulfil_through_the_page(staff_client, variant, ups):
    order = order_paid((variant, 3))
    line = order.lines.get()
    data = action_values(
        staff_client,
        "order_fulfil",
        order.pk,
        **{f"line_{line.pk}": "2", "carrier": "ups", "tracking_number": "1Z 999"},
    )

    response = staff_client.post(url("order_fulfil", order.pk), data)

    assert response.status_code == 302
    assert messages_of(response) == ["Parcel 1 is on its way."]
    parcel = Fulfillment.objects.get()
    assert (parcel.carrier_name, parcel.tracking_number) == ("UPS", "1Z 999")
    assert parcel.tracking_url == "https://www.ups.com/track?tracknum=1Z%20999"
    assert [(fl.order_line_id, fl.quantity) for fl in parcel.lines.all()] == [(line.pk, 2)]
    order.refresh_from_db()
    assert order.fulfillment_status == FulfillmentStatus.PARTIALLY_FULFILLED
    assert order.events.filter(kind=OrderEvent.Kind.FULFILLED).count() == 1
    html = staff_client.get(url("order_detail", order.pk)).content.decode()
    assert 'href="https://www.ups.com/track?tracknum=1Z%20999"' in html


def test_fulfil_submitted_twice_ships_one_parcel(staff_client, variant):
    order = order_paid((variant, 2))
    data = action_values(staff_client, "order_fulfil", order.pk)

    staff_client.post(url("order_fulfil", order.pk), data)
    second = staff_client.post(url("order_fulfil", order.pk), data)

    assert second.status_code == 302
    assert Fulfillment.objects.count() == 1
    assert order.lines.get().quantity_fulfilled == 2


def test_fulfilling_an_unpaid_bank_transfer_order_is_refused(staff_client, variant):
    order = order_placed((variant, 1))
    line = order.lines.get()

    response = staff_client.post(
        url("order_fulfil", order.pk), {"idempotency_key": "k", f"line_{line.pk}": "1"}
    )

    assert response.status_code == 409
    assert "Only confirmed orders ship. Mark this order paid first." in response.content.decode()
    assert not Fulfillment.objects.exists()
    assert not order.events.filter(kind=OrderEvent.Kind.FULFILLED).exists()


@pytest.mark.parametrize(
    ("quantity", "message"),
    [
        ("3", "Ship between 0 and 2 of"),
        ("-1", "Enter 0 or more."),
        ("1.5", "Enter a whole number."),
        ("0", "Choose at least one item to ship."),
    ],
)
def test_bad_fulfil_quantities_are_refused(staff_client, variant, quantity, message):
    order = order_paid((variant, 2))
    line = order.lines.get()

    response = staff_client.post(
        url("order_fulfil", order.pk), {"idempotency_key": "k", f"line_{line.pk}": quantity}
    )

    assert response.status_code == 400
    assert message in response.content.decode()
    assert not Fulfillment.objects.exists()


def test_mark_delivered_through_the_page_once(staff_client, variant):
    order = order_shipped((variant, 1))
    parcel = Fulfillment.objects.get()

    first = staff_client.post(url("fulfillment_deliver", order.pk, parcel.pk))
    staff_client.post(url("fulfillment_deliver", order.pk, parcel.pk))

    assert messages_of(first) == ["Parcel 1 is marked delivered."]
    parcel.refresh_from_db()
    assert parcel.status == "delivered"
    assert order.events.filter(kind=OrderEvent.Kind.DELIVERED).count() == 1
    assert staff_client.get(url("fulfillment_deliver", order.pk, parcel.pk)).status_code == 405


# ---------------------------------------------------------------- cancel


def test_cancel_form_offers_a_refund_only_when_paid(staff_client, variant):
    unpaid = order_placed((variant, 1))
    paid = order_paid((variant, 1))

    assert "refund" not in staff_client.get(url("order_cancel", unpaid.pk)).context["form"].fields
    assert "refund" in staff_client.get(url("order_cancel", paid.pk)).context["form"].fields


def test_cancel_a_paid_order_with_a_full_refund(staff_client, variant):
    order = order_paid((variant, 2))
    assert on_hand(variant) == 8
    data = action_values(staff_client, "order_cancel", order.pk, reason="Out of season")

    response = staff_client.post(url("order_cancel", order.pk), data)

    assert response.status_code == 302
    assert messages_of(response) == [f"Order {order.number} is cancelled and $45.00 refunded."]
    order.refresh_from_db()
    assert (order.status, order.payment_status) == (OrderStatus.CANCELED, PaymentStatus.REFUNDED)
    assert on_hand(variant) == 10
    assert PaymentTransaction.objects.filter(kind="refund").count() == 1
    canceled = order.events.get(kind=OrderEvent.Kind.CANCELED)
    assert canceled.data["reason"] == "Out of season"


def test_cancel_submitted_twice_cancels_and_refunds_once(staff_client, variant):
    order = order_paid((variant, 1))
    data = action_values(staff_client, "order_cancel", order.pk)

    staff_client.post(url("order_cancel", order.pk), data)
    second = staff_client.post(url("order_cancel", order.pk), data)

    assert second.status_code == 302
    assert PaymentTransaction.objects.filter(kind="refund").count() == 1
    assert order.events.filter(kind=OrderEvent.Kind.CANCELED).count() == 1


def test_cancelling_a_shipped_order_is_refused(staff_client, variant):
    order = order_shipped((variant, 1))

    response = staff_client.post(url("order_cancel", order.pk), {"idempotency_key": "k"})

    assert response.status_code == 409
    assert "Some items have already shipped. Refund or take a return instead." in (
        response.content.decode()
    )
    order.refresh_from_db()
    assert order.status == OrderStatus.COMPLETED
    assert not order.events.filter(kind=OrderEvent.Kind.CANCELED).exists()


# ---------------------------------------------------------------- refund


def test_refund_form_defaults_to_what_can_be_refunded(staff_client, variant):
    order = order_paid((variant, 2))

    form = staff_client.get(url("order_refund", order.pk)).context["form"]

    assert form["amount"].value() == "45.00"


def test_partial_refund_with_restock_through_the_page(staff_client, variant):
    order = order_paid((variant, 3))
    line = order.lines.get()
    data = action_values(
        staff_client,
        "order_refund",
        order.pk,
        amount="20.00",
        reason="One was scratched",
        **{f"restock_{line.pk}": "1"},
    )

    response = staff_client.post(url("order_refund", order.pk), data)

    assert response.status_code == 302
    assert messages_of(response) == ["Refunded $20.00."]
    order.refresh_from_db()
    assert order.payment_status == PaymentStatus.PARTIALLY_REFUNDED
    assert order.refunded_amount == Decimal("20.00")
    assert on_hand(variant) == 8  # 10 − 3 sold + 1 back
    assert kinds(order)[-3:] == ["payment_status", "refunded", "restocked"]


def test_refund_submitted_twice_refunds_once(staff_client, variant):
    order = order_paid((variant, 1))
    data = action_values(staff_client, "order_refund", order.pk, amount="5.00")

    staff_client.post(url("order_refund", order.pk), data)
    staff_client.post(url("order_refund", order.pk), data)

    order.refresh_from_db()
    assert order.refunded_amount == Decimal("5.00")
    assert PaymentTransaction.objects.filter(kind="refund").count() == 1


def test_refunding_more_than_was_paid_is_refused(staff_client, variant):
    order = order_paid((variant, 1))

    response = staff_client.post(
        url("order_refund", order.pk), {"idempotency_key": "k", "amount": "25.01"}
    )

    assert response.status_code == 409
    assert "more than the amount that can be refunded ($25.00)" in response.content.decode()
    order.refresh_from_db()
    assert order.refunded_amount == 0
    assert not PaymentTransaction.objects.filter(kind="refund").exists()


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"amount": "0"}, "Enter an amount above zero."),
        ({"amount": "1.005"}, "Enter the amount to the cent."),
        ({"amount": "5", "restock_LINE": "3"}, "At most 2."),
    ],
)
def test_bad_refund_input_is_refused(staff_client, variant, changes, message):
    order = order_paid((variant, 2))
    line = order.lines.get()
    data = {"idempotency_key": "k"}
    data.update({k.replace("LINE", str(line.pk)): v for k, v in changes.items()})

    response = staff_client.post(url("order_refund", order.pk), data)

    assert response.status_code == 400
    assert message in response.content.decode()
    assert not PaymentTransaction.objects.filter(kind="refund").exists()


def test_refunding_an_unpaid_order_is_refused(staff_client, variant):
    order = order_placed((variant, 1))

    response = staff_client.post(
        url("order_refund", order.pk), {"idempotency_key": "k", "amount": "1.00"}
    )

    assert response.status_code == 409
    assert "Only paid orders can be refunded." in response.content.decode()


# ---------------------------------------------------------------- address, notes


def test_edit_the_shipping_address_before_shipping(staff_client, variant):
    order = order_paid((variant, 1))
    data = action_values(
        staff_client, "order_address", order.pk, **{"address-street_address_1": "1 Infinite Loop"}
    )

    response = staff_client.post(url("order_address", order.pk), data)
    staff_client.post(url("order_address", order.pk), data)  # the same address again

    assert response.status_code == 302
    assert messages_of(response) == ["The shipping address is updated."]
    order.refresh_from_db()
    assert order.shipping_address["street_address_1"] == "1 Infinite Loop"
    changed = order.events.get(kind=OrderEvent.Kind.ADDRESS_CHANGED)
    assert changed.data["from"]["street_address_1"] == ADDRESS_US["street_address_1"]


def test_a_bad_address_comes_back_with_the_fields_message(staff_client, variant):
    order = order_paid((variant, 1))
    data = action_values(staff_client, "order_address", order.pk, **{"address-postal_code": "ABC"})

    response = staff_client.post(url("order_address", order.pk), data)

    assert response.status_code == 400
    assert response.context["form"].errors["postal_code"]
    order.refresh_from_db()
    assert order.shipping_address["postal_code"] == "94043"


def test_the_address_cannot_change_after_shipping(staff_client, variant):
    order = order_shipped((variant, 1))
    data = {f"address-{k}": v for k, v in ADDRESS_US.items()}
    data["address-city"] = "Palo Alto"

    response = staff_client.post(url("order_address", order.pk), data)

    assert response.status_code == 409
    assert "A parcel has already shipped" in response.content.decode()
    assert not order.events.filter(kind=OrderEvent.Kind.ADDRESS_CHANGED).exists()


def test_an_internal_note_is_added_once(staff_client, staff, variant):
    order = order_placed((variant, 1))
    data = {"idempotency_key": "note-1", "text": "VIP, gift wrap"}

    first = staff_client.post(url("order_note", order.pk), data)
    staff_client.post(url("order_note", order.pk), data)

    assert first.status_code == 302
    assert first["Location"].endswith("#timeline")
    note = order.events.get(kind=OrderEvent.Kind.NOTE)
    assert (note.data["text"], note.is_internal, note.actor_id) == (
        "VIP, gift wrap",
        True,
        staff.pk,
    )
    html = staff_client.get(url("order_detail", order.pk)).content.decode()
    assert "VIP, gift wrap" in html


def test_an_empty_note_is_refused_with_a_message(staff_client, variant):
    order = order_placed((variant, 1))

    response = staff_client.post(url("order_note", order.pk), {"idempotency_key": "k", "text": " "})

    assert messages_of(response) == ["Write the note first."]
    assert not order.events.filter(kind=OrderEvent.Kind.NOTE).exists()


# ---------------------------------------------------------------- returns


@pytest.fixture
def rma(variant) -> Return:
    return return_requested(order_shipped((variant, 2)))


def test_approve_a_return_once(staff_client, rma):
    first = staff_client.post(url("return_approve", rma.order_id, rma.pk))
    staff_client.post(url("return_approve", rma.order_id, rma.pk))

    assert messages_of(first) == ["Return R1 is approved. The shopper can send the items back."]
    rma.refresh_from_db()
    assert rma.status == ReturnStatus.APPROVED
    assert (
        rma.order.events.filter(kind=OrderEvent.Kind.RETURN, data__status="approved").count() == 1
    )


def test_declining_a_return_needs_a_note(staff_client, rma):
    empty = staff_client.post(url("return_reject", rma.order_id, rma.pk), {"note": ""})
    assert empty.status_code == 400
    assert "Tell the shopper why the return is declined." in empty.content.decode()

    done = staff_client.post(url("return_reject", rma.order_id, rma.pk), {"note": "Worn"})
    again = staff_client.post(url("return_reject", rma.order_id, rma.pk), {"note": "Worn"})

    assert (done.status_code, again.status_code) == (302, 302)
    rma.refresh_from_db()
    assert (rma.status, rma.merchant_note) == (ReturnStatus.REJECTED, "Worn")
    assert (
        rma.order.events.filter(kind=OrderEvent.Kind.RETURN, data__status="rejected").count() == 1
    )


def test_receive_a_return_with_restock_once(staff_client, staff, rma, variant):
    return_approve(return_id=rma.pk, actor=Actor.of(staff))
    before = on_hand(variant)

    first = staff_client.post(url("return_receive", rma.order_id, rma.pk), {"restock": "on"})
    staff_client.post(url("return_receive", rma.order_id, rma.pk), {"restock": "on"})

    assert messages_of(first) == ["Return R1 is received and its items are back in stock."]
    assert on_hand(variant) == before + 2
    assert rma.order.lines.get().quantity_returned == 2
    assert rma.order.events.filter(kind=OrderEvent.Kind.RESTOCKED).count() == 1


def test_refund_a_received_return_prefilled_with_its_value(staff_client, staff, rma):
    return_approve(return_id=rma.pk, actor=Actor.of(staff))
    return_receive(return_id=rma.pk, actor=Actor.of(staff), restock=False)
    data = action_values(staff_client, "return_refund", rma.order_id, rma.pk)
    assert data["amount"] == "40.00"

    first = staff_client.post(url("return_refund", rma.order_id, rma.pk), data)
    staff_client.post(url("return_refund", rma.order_id, rma.pk), data)

    assert first["Location"].endswith("#returns")
    assert messages_of(first) == ["Return R1 is refunded: $40.00."]
    rma.refresh_from_db()
    assert (rma.status, rma.refund_amount) == (ReturnStatus.REFUNDED, Decimal("40.00"))
    assert PaymentTransaction.objects.filter(kind="refund").count() == 1


def test_refunding_a_return_not_yet_received_is_refused(staff_client, rma):
    response = staff_client.post(
        url("return_refund", rma.order_id, rma.pk), {"idempotency_key": "k", "amount": "40.00"}
    )

    assert response.status_code == 409
    assert "Refund a return once its items are received." in response.content.decode()


def test_a_return_of_another_order_is_404(staff_client, rma, variant):
    other = order_placed((variant, 1))
    assert staff_client.post(url("return_approve", other.pk, rma.pk)).status_code == 404


# ---------------------------------------------------------------- home


def test_home_shows_the_orders_to_handle(staff_client, variant):
    order_placed((variant, 1))
    order_placed((variant, 1))
    order_paid((variant, 1))

    response = staff_client.get(reverse("dashboard:home"))

    counts = {q.key: q.count for q in response.context["to_handle"]}
    assert counts == {"unpaid": 2, "to_fulfil": 1, "returns": 0}
    assert f"{url('order_list')}?queue=unpaid" in response.content.decode()


def test_staff_download_the_invoice_and_the_packing_slip(staff_client, variant):
    order = order_placed((variant, 1))
    for name in ("order_invoice", "order_packing_slip"):
        response = staff_client.get(reverse(f"dashboard:{name}", args=[order.pk]))
        assert response.status_code == 200
        assert response["Content-Type"] == "application/pdf"
        assert response.content.startswith(b"%PDF")
