"""The "Checkout" section of the shop settings page."""

import pytest
from django.urls import reverse

from duli.core.selectors import shop_settings_get

from .conftest import form_values

pytestmark = pytest.mark.django_db


def _settings_data(client):
    return form_values(client.get(reverse("dashboard:settings")).context["form"])


def test_checkout_settings_are_saved(staff_client):
    data = _settings_data(staff_client)
    assert data["country"] == "US" and data["unpaid_cancel_hours"] == "72"
    data.update(
        country="DE",
        prices_include_tax="on",
        unpaid_cancel_hours="48",
        return_window_days="30",
        order_alert_email="orders@example.com",
        bank_transfer_instructions_en="IBAN DE89 3704 0044 0532 0130 00, reference: order number",
        name_zh_hans="独立小店",
        bank_transfer_instructions_zh_hans="请在备注中填写订单号",
    )
    response = staff_client.post(reverse("dashboard:settings"), data)
    assert response.status_code == 302, response.context and response.context["form"].errors
    shop = shop_settings_get()
    assert (shop.country, shop.prices_include_tax) == ("DE", True)
    assert (shop.unpaid_cancel_hours, shop.return_window_days) == (48, 30)
    assert shop.order_alert_email == "orders@example.com"
    assert shop.safe_translation_getter(
        "bank_transfer_instructions", language_code="en"
    ).startswith("IBAN DE89")
    assert (
        shop.safe_translation_getter("bank_transfer_instructions", language_code="zh-hans")
        == "请在备注中填写订单号"
    )


def test_prices_include_tax_can_be_switched_off(staff_client):
    data = _settings_data(staff_client)
    data["prices_include_tax"] = "on"
    staff_client.post(reverse("dashboard:settings"), data)
    data = _settings_data(staff_client)
    data.pop("prices_include_tax")
    staff_client.post(reverse("dashboard:settings"), data)
    assert shop_settings_get().prices_include_tax is False


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("country", "XX"),
        ("unpaid_cancel_hours", "0"),
        ("unpaid_cancel_hours", "abc"),
        ("return_window_days", "-1"),
        ("return_window_days", "400"),
        ("order_alert_email", "not-an-email"),
    ],
)
def test_bad_checkout_setting_is_refused_and_nothing_changes(staff_client, field, value):
    data = _settings_data(staff_client)
    data.update(
        {field: value, "return_window_days": data["return_window_days"], "name_en": "Renamed"}
    )
    data[field] = value
    response = staff_client.post(reverse("dashboard:settings"), data)
    assert response.status_code == 200
    assert response.context["form"].errors[field]
    shop = shop_settings_get()
    assert (shop.country, shop.unpaid_cancel_hours, shop.return_window_days) == ("US", 72, 14)
    assert shop.safe_translation_getter("name", language_code="en") == "Duli Shop"


def test_checkout_section_is_on_the_page(staff_client):
    page = staff_client.get(reverse("dashboard:settings")).content.decode()
    assert 'id="checkout"' in page
    assert "Prices include tax" in page
    assert "Bank transfer instructions" in page
    assert 'value="DE" ' in page or 'value="DE">' in page


def test_the_business_address_is_saved(staff_client):
    data = _settings_data(staff_client)
    data.update(address="Duli Tea GmbH\nTeestraße 1\n10115 Berlin\nUSt-IdNr. DE123456789")
    response = staff_client.post(reverse("dashboard:settings"), data)
    assert response.status_code == 302
    assert shop_settings_get().address.splitlines()[1] == "Teestraße 1"
