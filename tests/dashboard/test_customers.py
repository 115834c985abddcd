"""The merchant's customer pages: registered shoppers with their orders and spend."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from duli.core.actors import Actor
from duli.core.money import Money
from duli.customers.addresses import AddressData
from duli.customers.services import address_create
from duli.orders.services import order_refund
from duli.testing.factories import StaffFactory, UserFactory, VariantFactory
from duli.testing.order_factories import ADDRESS_CN, key, order_paid, order_placed, shop_ready

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _shop(db):
    shop_ready()


@pytest.fixture
def variant():
    return VariantFactory(price_amount=Decimal("20.00"), stock=50)


def listed(client: Client, **params) -> dict[str, tuple[int, Decimal]]:
    response = client.get(reverse("dashboard:customer_list"), params)
    assert response.status_code == 200
    return {c.email: (c.order_count, c.total_spent) for c in response.context["customers"]}


def test_non_staff_are_refused_the_customer_pages():
    shopper = UserFactory()
    client = Client()
    client.force_login(UserFactory())
    assert client.get(reverse("dashboard:customer_list")).status_code == 403
    assert client.get(reverse("dashboard:customer_detail", args=[shopper.pk])).status_code == 403


def test_list_shows_shoppers_with_order_count_and_total_spent(staff_client, staff, variant):
    ada = UserFactory(email="ada@example.com", full_name="Ada Lovelace")
    UserFactory(email="new@example.com")
    StaffFactory(email="clerk@example.com")
    order_paid((variant, 1), user=ada)  # 25.00
    refunded = order_paid((variant, 2), user=ada)  # 45.00, 10.00 of it refunded
    order_refund(
        order_id=refunded.pk,
        amount=Money(Decimal("10.00"), "USD"),
        restock={},
        actor=Actor.of(staff),
        idempotency_key=key(),
    )
    order_placed((variant, 1), user=ada)  # not paid: counts as an order, spends nothing

    assert listed(staff_client) == {
        "ada@example.com": (3, Decimal("60.00")),
        "new@example.com": (0, Decimal("0")),
    }


def test_guest_orders_under_the_accounts_email_count_as_theirs(staff_client, variant):
    UserFactory(email="grace@example.com")
    order_paid((variant, 1), email="grace@example.com")  # placed as a guest
    order_paid((variant, 1), email="someone.else@example.com")

    assert listed(staff_client)["grace@example.com"] == (1, Decimal("25.00"))


def test_list_search_by_email_or_name(staff_client):
    UserFactory(email="ada@example.com", full_name="Ada Lovelace")
    UserFactory(email="wang@example.cn", full_name="王小明")

    assert set(listed(staff_client, q="lovelace")) == {"ada@example.com"}
    assert set(listed(staff_client, q="小明")) == {"wang@example.cn"}
    assert set(listed(staff_client, q="example.cn")) == {"wang@example.cn"}


def test_list_query_count_does_not_grow_with_the_page(staff_client, variant):
    order_paid((variant, 1), user=UserFactory())
    staff_client.get(reverse("dashboard:customer_list"))
    with CaptureQueriesContext(connection) as few:
        staff_client.get(reverse("dashboard:customer_list"))
    for _ in range(5):
        order_paid((variant, 1), user=UserFactory())
    with CaptureQueriesContext(connection) as many:
        response = staff_client.get(reverse("dashboard:customer_list"))
    assert len(response.context["customers"]) == 6
    assert len(many.captured_queries) == len(few.captured_queries)


def test_customer_page_shows_profile_addresses_orders_and_lifetime_value(staff_client, variant):
    wang = UserFactory(email="wang@example.cn", full_name="王小明")
    address_create(user_id=wang.pk, data=AddressData.from_dict(ADDRESS_CN), make_default=True)
    signed_in = order_paid((variant, 1), user=wang, address=ADDRESS_CN)
    guest = order_paid((variant, 2), email="wang@example.cn")
    order_paid((variant, 1), email="other@example.com")

    response = staff_client.get(reverse("dashboard:customer_detail", args=[wang.pk]))

    assert response.status_code == 200
    assert [o.number for o, _name in response.context["rows"]] == [guest.number, signed_in.number]
    stats = response.context["stats"]
    assert stats.order_count == 2
    assert stats.lifetime_value == [Money(Decimal("70.00"), "USD")]
    html = response.content.decode()
    for text in ("王小明", "wang@example.cn", "世纪大道100号", "$70.00", "guest"):
        assert text in html, text


def test_staff_accounts_are_not_customers(staff_client, staff):
    assert (
        staff_client.get(reverse("dashboard:customer_detail", args=[staff.pk])).status_code == 404
    )
    assert staff.email not in listed(staff_client)
