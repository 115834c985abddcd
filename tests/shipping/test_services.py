from decimal import Decimal

import pytest

from duli.core.errors import InvalidInput, NotFound
from duli.shipping.errors import (
    CarrierCodeTaken,
    InvalidMethod,
    InvalidTiers,
    InvalidTrackingTemplate,
    InvalidZone,
)
from duli.shipping.models import Carrier, ShippingMethod, ShippingRate, ShippingZone
from duli.shipping.services import (
    MethodInput,
    TierInput,
    carrier_create,
    carrier_delete,
    carrier_update,
    shipping_defaults_ensure,
    shipping_method_create,
    shipping_method_delete,
    shipping_method_update,
    shipping_zone_create,
    shipping_zone_delete,
    shipping_zone_update,
)
from duli.tax.services import tax_defaults_ensure
from duli.testing.shipping_factories import (
    CarrierFactory,
    ShippingMethodFactory,
    ShippingZoneFactory,
)

pytestmark = pytest.mark.django_db


def _texts(name="Standard", zh="", **more):
    texts = {"en": {"name": name, **more}}
    if zh:
        texts["zh-hans"] = {"name": zh}
    return texts


def _tiers(*pairs):
    return [TierInput(up_to=Decimal(u), price=Decimal(p)) for u, p in pairs]


# ---------------------------------------------------------------- zones


def test_zone_create_normalises_codes():
    zone = shipping_zone_create(name=" Europe ", countries=["fr", "DE", "DE"], regions=[])
    assert (zone.name, zone.countries, zone.regions) == ("Europe", ["DE", "FR"], [])


def test_zone_with_regions():
    zone = shipping_zone_create(name="West", countries=["US"], regions=["us-ca", "US-OR"])
    assert zone.regions == ["US-CA", "US-OR"]


@pytest.mark.parametrize(
    ("name", "countries", "regions"),
    [
        ("", ["GB"], []),
        ("No countries", [], []),
        ("Bad country", ["XX"], []),
        ("Region elsewhere", ["GB"], ["US-CA"]),
        ("Unknown region", ["US"], ["US-ZZ"]),
    ],
)
def test_bad_zone_is_refused_and_nothing_written(name, countries, regions):
    with pytest.raises(InvalidZone):
        shipping_zone_create(name=name, countries=countries, regions=regions)
    assert not ShippingZone.objects.exists()


def test_zone_update_and_refused_update_changes_nothing():
    zone = ShippingZoneFactory(name="Old", countries=["GB"])
    shipping_zone_update(zone_id=zone.pk, name="UK & Ireland", countries=["GB", "IE"], position=2)
    zone.refresh_from_db()
    assert (zone.name, zone.countries, zone.position) == ("UK & Ireland", ["GB", "IE"], 2)
    with pytest.raises(InvalidZone):
        shipping_zone_update(zone_id=zone.pk, name="Broken", countries=["ZZ"])
    zone.refresh_from_db()
    assert zone.name == "UK & Ireland"


def test_zone_delete_removes_its_methods():
    method = ShippingMethodFactory()
    shipping_zone_delete(zone_id=method.zone_id)
    assert not ShippingMethod.objects.exists()
    with pytest.raises(NotFound):
        shipping_zone_delete(zone_id=method.zone_id)


# ---------------------------------------------------------------- methods


def test_flat_method_create_in_shop_currency():
    zone = ShippingZoneFactory()
    method = shipping_method_create(
        zone_id=zone.pk,
        data=MethodInput(
            translations=_texts("Standard", "标准", delivery_estimate="3–5 days"),
            price=Decimal("4.95"),
            free_over=Decimal("50"),
        ),
    )
    method = ShippingMethod.objects.get(pk=method.pk)
    assert (method.kind, method.currency, method.price_amount) == ("flat", "USD", Decimal("4.95"))
    assert method.free_over_amount == Decimal(50)
    assert method.safe_translation_getter("name", language_code="zh-hans") == "标准"
    assert method.safe_translation_getter("delivery_estimate", language_code="en") == "3–5 days"


def test_weight_method_keeps_its_tiers_in_order():
    zone = ShippingZoneFactory()
    method = shipping_method_create(
        zone_id=zone.pk,
        data=MethodInput(
            translations=_texts("Parcel"), kind="weight", tiers=_tiers((500, 3), (2000, "6.5"))
        ),
    )
    assert list(method.rates.values_list("up_to", "price_amount")) == [
        (Decimal(500), Decimal(3)),
        (Decimal(2000), Decimal("6.5")),
    ]
    assert method.price_amount == 0


def test_update_replaces_tiers_and_texts_at_once():
    tax_defaults_ensure()
    method = ShippingMethodFactory(kind="weight", tiers=[(500, "3")], zh_name="旧")
    shipping_method_update(
        method_id=method.pk,
        data=MethodInput(
            translations={"en": {"name": "Renamed"}, "zh-hans": {"name": ""}},
            kind="price",
            tiers=_tiers((50, 8), (100, 4)),
            tax_class_code="reduced",
            is_active=False,
        ),
    )
    method = ShippingMethod.objects.get(pk=method.pk)
    assert method.kind == "price"
    assert method.tax_class.code == "reduced"
    assert not method.is_active
    assert list(method.rates.values_list("up_to", flat=True)) == [Decimal(50), Decimal(100)]
    assert list(method.translations.values_list("language_code", flat=True)) == ["en"]
    assert method.safe_translation_getter("name", language_code="en") == "Renamed"


def test_switching_to_flat_drops_the_tiers():
    method = ShippingMethodFactory(kind="weight", tiers=[(500, "3")])
    shipping_method_update(
        method_id=method.pk, data=MethodInput(translations=_texts(), price=Decimal(4))
    )
    assert not ShippingRate.objects.exists()


@pytest.mark.parametrize(
    "tiers",
    [
        [],
        [(500, 3), (500, 4)],
        [(1000, 3), (500, 4)],
        [(500, -1)],
        [(-5, 1)],
    ],
)
def test_bad_tiers_are_refused_and_old_tiers_kept(tiers):
    method = ShippingMethodFactory(kind="weight", tiers=[(500, "3")], name="Keep me")
    with pytest.raises(InvalidTiers):
        shipping_method_update(
            method_id=method.pk,
            data=MethodInput(translations=_texts("Changed"), kind="weight", tiers=_tiers(*tiers)),
        )
    method = ShippingMethod.objects.get(pk=method.pk)
    assert list(method.rates.values_list("up_to", "price_amount")) == [(Decimal(500), Decimal(3))]
    assert method.safe_translation_getter("name", language_code="en") == "Keep me"


@pytest.mark.parametrize(
    "data",
    [
        MethodInput(translations=_texts("")),
        MethodInput(translations=_texts(), price=Decimal(-1)),
        MethodInput(translations=_texts(), min_order=Decimal(50), max_order=Decimal(10)),
        MethodInput(translations=_texts(), kind="pickup"),
        MethodInput(translations=_texts(), kind="teleport"),
        MethodInput(translations=_texts(), tax_class_code="nope"),
    ],
)
def test_bad_method_is_refused_and_nothing_written(data):
    zone = ShippingZoneFactory()
    with pytest.raises(InvalidMethod):
        shipping_method_create(zone_id=zone.pk, data=data)
    assert not ShippingMethod.objects.exists()


def test_method_in_missing_zone_is_refused():
    with pytest.raises(NotFound):
        shipping_method_create(zone_id=999, data=MethodInput(translations=_texts()))


def test_method_delete():
    method = ShippingMethodFactory(kind="weight", tiers=[(500, "3")])
    shipping_method_delete(method_id=method.pk)
    assert not ShippingMethod.objects.exists()
    assert not ShippingRate.objects.exists()


# ---------------------------------------------------------------- carriers


def test_carrier_create_and_update():
    carrier = carrier_create(
        name="Parcelforce",
        code="Parcelforce",
        tracking_url_template="https://pf.example/t/{number}",
    )
    assert carrier.code == "parcelforce"
    carrier_update(
        carrier_id=carrier.pk,
        name="Parcelforce Worldwide",
        code="pfw",
        tracking_url_template="https://pf.example/t?n={number}",
    )
    carrier.refresh_from_db()
    assert (carrier.name, carrier.code) == ("Parcelforce Worldwide", "pfw")


@pytest.mark.parametrize(
    "template",
    [
        "https://track.example.com/",
        "javascript:alert(1)//{number}",
        "ftp://track.example.com/{number}",
        "track.example.com/{number}",
    ],
)
def test_bad_tracking_template_is_refused(template):
    with pytest.raises(InvalidTrackingTemplate):
        carrier_create(name="X", code="x", tracking_url_template=template)
    assert not Carrier.objects.exists()


def test_carrier_code_taken_is_refused():
    CarrierFactory(code="ups")
    other = CarrierFactory(code="dhl")
    with pytest.raises(CarrierCodeTaken):
        carrier_create(name="UPS", code="ups", tracking_url_template="https://a.example/{number}")
    with pytest.raises(CarrierCodeTaken):
        carrier_update(
            carrier_id=other.pk,
            name="DHL",
            code="ups",
            tracking_url_template="https://a.example/{number}",
        )
    assert Carrier.objects.get(pk=other.pk).code == "dhl"


def test_carrier_needs_name_and_code():
    with pytest.raises(InvalidInput):
        carrier_create(name="", code="x", tracking_url_template="https://a.example/{number}")


def test_carrier_delete():
    carrier = CarrierFactory()
    carrier_delete(carrier_id=carrier.pk)
    with pytest.raises(NotFound):
        carrier_delete(carrier_id=carrier.pk)


# ---------------------------------------------------------------- starting setup


def test_defaults_make_domestic_and_world_zones_and_carriers():
    tax_defaults_ensure()
    assert shipping_defaults_ensure(country="GB", currency="GBP")
    home, world = ShippingZone.objects.order_by("position")
    assert home.countries == ["GB"]
    assert "GB" not in world.countries
    assert {"CN", "US", "DE", "FR", "JP"} <= set(world.countries)
    names = [str(m) for m in home.methods.order_by("position")]
    assert names[:2] == ["Standard", "Express"]
    assert names[2].startswith("Free shipping over £50")
    pickup = home.methods.get(kind="pickup")
    assert not pickup.is_active  # no address given
    assert world.methods.get().kind == "weight"
    assert ShippingMethod.objects.filter(currency="GBP").count() == 5
    codes = set(Carrier.objects.values_list("code", flat=True))
    assert {"ups", "fedex", "dhl", "usps", "royal-mail", "sf-express", "china-post"} <= codes


def test_defaults_are_made_once_and_leave_a_configured_shop_alone():
    ShippingZoneFactory(name="Mine")
    CarrierFactory(code="mine")
    assert not shipping_defaults_ensure(country="US", currency="USD")
    assert list(ShippingZone.objects.values_list("name", flat=True)) == ["Mine"]
    assert list(Carrier.objects.values_list("code", flat=True)) == ["mine"]


def test_defaults_with_pickup_address_offer_pickup_and_scale_prices():
    shipping_defaults_ensure(
        country="CN", currency="CNY", pickup_address="上海市黄浦区南京东路 1 号"
    )
    pickup = ShippingMethod.objects.get(kind="pickup")
    assert pickup.is_active
    assert pickup.pickup_address.startswith("上海市")
    standard = ShippingMethod.objects.get(translations__name="Standard")
    assert standard.price_amount == Decimal(35)
    assert shipping_defaults_ensure(country="CN", currency="CNY") is False
