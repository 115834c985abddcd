from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import translation

from duli.core.money import Money
from duli.shipping.selectors import (
    ShippingOption,
    carrier_choices,
    carrier_tracking_url,
    shipping_countries,
    shipping_option_get,
    shipping_options,
    zone_match_rank,
)
from duli.tax.models import TaxClass
from duli.tax.services import tax_defaults_ensure
from duli.testing.shipping_factories import (
    CarrierFactory,
    ShippingMethodFactory,
    ShippingZoneFactory,
)

pytestmark = pytest.mark.django_db

USD = "USD"


def usd(amount):
    return Money(Decimal(str(amount)), USD)


def _names(options):
    return [o.name for o in options]


def test_option_carries_everything_checkout_needs():
    tax_defaults_ensure()
    method = ShippingMethodFactory(
        zone__countries=["GB"],
        name="Standard",
        description="Tracked",
        delivery_estimate="3–5 business days",
        price_amount=Decimal("4.95"),
        tax_class=TaxClass.objects.get(code="reduced"),
    )
    (option,) = shipping_options(country="GB", subtotal=usd(10), weight_grams=300)
    assert option == ShippingOption(
        method_id=method.pk,
        name="Standard",
        description="Tracked",
        kind="flat",
        price=usd("4.95"),
        tax_class_code="reduced",
        delivery_estimate="3–5 business days",
        is_pickup=False,
        pickup_address="",
    )


def test_only_methods_of_zones_covering_the_country():
    ShippingMethodFactory(zone__countries=["GB", "IE"], name="UK")
    ShippingMethodFactory(zone__countries=["DE"], name="Germany")
    assert _names(shipping_options(country="IE", subtotal=usd(1), weight_grams=0)) == ["UK"]
    assert shipping_options(country="JP", subtotal=usd(1), weight_grams=0) == []


def test_ordered_by_position_then_price():
    zone = ShippingZoneFactory(countries=["US"])
    ShippingMethodFactory(zone=zone, name="Express", price_amount=20, position=1)
    ShippingMethodFactory(zone=zone, name="Economy", price_amount=3, position=1)
    ShippingMethodFactory(zone=zone, name="Pinned", price_amount=50, position=0)
    assert _names(shipping_options(country="US", subtotal=usd(10), weight_grams=0)) == [
        "Pinned",
        "Economy",
        "Express",
    ]


def test_region_zone_replaces_the_country_zone_there():
    ShippingMethodFactory(zone__countries=["CN"], name="Mainland", price_amount=10)
    ShippingMethodFactory(
        zone__countries=["CN"], zone__regions=["CN-XJ", "CN-XZ"], name="Remote", price_amount=30
    )
    assert _names(
        shipping_options(country="CN", region="CN-XJ", subtotal=usd(1), weight_grams=0)
    ) == ["Remote"]
    assert _names(
        shipping_options(country="CN", region="CN-GD", subtotal=usd(1), weight_grams=0)
    ) == ["Mainland"]
    assert _names(shipping_options(country="CN", subtotal=usd(1), weight_grams=0)) == ["Mainland"]


def test_regions_narrow_only_their_own_country():
    assert zone_match_rank(["US", "CA"], ["US-AK"], country="CA", region="CA-ON") == 0
    assert zone_match_rank(["US", "CA"], ["US-AK"], country="US", region="US-AK") == 1
    assert zone_match_rank(["US", "CA"], ["US-AK"], country="US", region="US-NY") is None
    assert zone_match_rank(["US"], [], country="GB", region="") is None


def test_inactive_and_other_currency_methods_are_left_out():
    zone = ShippingZoneFactory(countries=["GB"])
    ShippingMethodFactory(zone=zone, name="Off", is_active=False)
    ShippingMethodFactory(zone=zone, name="Euro", currency="EUR")
    ShippingMethodFactory(zone=zone, name="Dollar")
    assert _names(shipping_options(country="GB", subtotal=usd(1), weight_grams=0)) == ["Dollar"]


def test_free_over_threshold_gives_zero():
    ShippingMethodFactory(zone__countries=["GB"], price_amount=5, free_over_amount=50)
    (below,) = shipping_options(country="GB", subtotal=usd("49.99"), weight_grams=0)
    (at,) = shipping_options(country="GB", subtotal=usd(50), weight_grams=0)
    assert below.price == usd(5)
    assert at.price == Money.zero(USD)


def test_weight_tiers_and_limit():
    method = ShippingMethodFactory(
        zone__countries=["FR"], kind="weight", tiers=[(500, "7"), (2000, "12")]
    )
    assert shipping_options(country="FR", subtotal=usd(1), weight_grams=800)[0].price == usd(12)
    assert shipping_options(country="FR", subtotal=usd(1), weight_grams=2500) == []
    assert (
        shipping_option_get(method_id=method.pk, country="FR", subtotal=usd(1), weight_grams=2500)
        is None
    )


def test_pickup_option_has_its_address():
    ShippingMethodFactory(
        zone__countries=["GB"], kind="pickup", price_amount=0, pickup_address="1 High St"
    )
    (option,) = shipping_options(country="GB", subtotal=usd(1), weight_grams=0)
    assert option.is_pickup and option.pickup_address == "1 High St"


def test_option_get_returns_the_chosen_method_or_none_elsewhere():
    method = ShippingMethodFactory(zone__countries=["GB"], price_amount=5)
    option = shipping_option_get(method_id=method.pk, country="GB", subtotal=usd(1), weight_grams=0)
    assert option is not None and option.price == usd(5)
    assert (
        shipping_option_get(method_id=method.pk, country="US", subtotal=usd(1), weight_grams=0)
        is None
    )
    assert shipping_option_get(method_id=999, country="GB", subtotal=usd(1), weight_grams=0) is None


def test_names_follow_the_active_language_with_english_fallback():
    ShippingMethodFactory(zone__countries=["CN"], name="Standard", zh_name="标准配送")
    ShippingMethodFactory(zone__countries=["CN"], name="Express", price_amount=9)
    with translation.override("zh-hans"):
        names = _names(shipping_options(country="CN", subtotal=usd(1), weight_grams=0))
    assert names == ["标准配送", "Express"]


def test_options_take_three_queries_whatever_the_number_of_methods():
    for i in range(6):
        ShippingMethodFactory(zone__countries=["GB"], kind="weight", tiers=[(1000, i + 1)])
    with CaptureQueriesContext(connection) as queries:
        options = shipping_options(country="GB", subtotal=usd(1), weight_grams=100)
    assert len(options) == 6
    assert len(queries) == 3


def test_no_matching_zone_is_one_query():
    ShippingMethodFactory(zone__countries=["GB"])
    with CaptureQueriesContext(connection) as queries:
        assert shipping_options(country="JP", subtotal=usd(1), weight_grams=0) == []
    assert len(queries) == 1


def test_shipping_countries_are_those_with_an_active_method():
    ShippingMethodFactory(zone__countries=["GB", "DE"])
    ShippingMethodFactory(zone__countries=["FR", "DE"])
    ShippingMethodFactory(zone__countries=["JP"], is_active=False)
    ShippingZoneFactory(countries=["US"])
    assert shipping_countries() == ["DE", "FR", "GB"]


def test_carrier_tracking_url_quotes_the_number():
    CarrierFactory(code="ups", name="UPS", tracking_url_template="https://ups.example/t?n={number}")
    assert carrier_tracking_url(carrier_code="ups", number=" 1Z 99&x ") == (
        "https://ups.example/t?n=1Z%2099%26x"
    )
    assert carrier_tracking_url(carrier_code="nope", number="1") == ""
    assert carrier_tracking_url(carrier_code="ups", number="  ") == ""


def test_carrier_choices():
    CarrierFactory(code="dhl", name="DHL", position=1)
    CarrierFactory(code="ups", name="UPS", position=0)
    assert carrier_choices() == [("ups", "UPS"), ("dhl", "DHL")]
