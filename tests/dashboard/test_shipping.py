from decimal import Decimal

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from duli.shipping.models import Carrier, ShippingMethod, ShippingRate, ShippingZone
from duli.tax.services import tax_defaults_ensure
from duli.testing.factories import UserFactory
from duli.testing.shipping_factories import (
    CarrierFactory,
    ShippingMethodFactory,
    ShippingZoneFactory,
)

from .conftest import form_values, formset_values

pytestmark = pytest.mark.django_db


def _zone_data(**values):
    return {"name": "", "countries": [], "position": "0", **values}


def _method_page(client, url):
    response = client.get(url)
    assert response.status_code == 200
    data = form_values(response.context["form"])
    data.update(formset_values(response.context["tiers"]))
    return data


# ---------------------------------------------------------------- zones


def test_empty_zone_list_offers_the_suggested_setup(staff_client):
    page = staff_client.get(reverse("dashboard:shipping_zone_list")).content.decode()
    assert "No shipping zones yet" in page
    response = staff_client.post(reverse("dashboard:shipping_defaults"))
    assert response.status_code == 302
    assert ShippingZone.objects.count() == 2
    assert Carrier.objects.filter(code="sf-express").exists()
    page = staff_client.get(reverse("dashboard:shipping_zone_list")).content.decode()
    assert "Domestic (United States)" in page and "Express" in page


def test_zone_list_runs_a_fixed_number_of_queries(staff_client):
    def count():
        with CaptureQueriesContext(connection) as queries:
            assert staff_client.get(reverse("dashboard:shipping_zone_list")).status_code == 200
        return len(queries)

    ShippingMethodFactory()
    count()  # the first request also creates the shop's settings row
    few = count()
    for _ in range(4):
        ShippingMethodFactory(zone=ShippingMethodFactory().zone)
    assert count() == few


def test_zone_create_edit_delete_round_trip(staff_client):
    response = staff_client.post(
        reverse("dashboard:shipping_zone_create"),
        _zone_data(name="North America", countries=["US", "CA"]),
    )
    assert response.status_code == 302
    zone = ShippingZone.objects.get()
    assert (zone.name, zone.countries, zone.regions) == ("North America", ["CA", "US"], [])

    url = reverse("dashboard:shipping_zone_edit", args=[zone.pk])
    response = staff_client.get(url)
    form = response.context["form"]
    # The zone's countries are listed first, and their regions are offered.
    assert [c for c, _n in form.fields["countries"].choices[:2]] == ["CA", "US"]
    assert "California (US-CA)" not in response.content.decode()
    assert "California" in response.content.decode()
    data = form_values(form)
    data.update(regions=["US-AK", "US-HI"], name="Remote")
    assert staff_client.post(url, data).status_code == 302
    zone.refresh_from_db()
    assert (zone.name, zone.regions) == ("Remote", ["US-AK", "US-HI"])

    response = staff_client.post(reverse("dashboard:shipping_zone_delete", args=[zone.pk]))
    assert response.status_code == 302
    assert not ShippingZone.objects.exists()


@pytest.mark.parametrize(
    ("values", "field"),
    [
        ({"name": "No countries"}, "countries"),
        ({"name": "", "countries": ["GB"]}, "name"),
        ({"name": "Bad", "countries": ["XX"]}, "countries"),
        ({"name": "Bad region", "countries": ["GB"], "regions": ["US-CA"]}, "regions"),
    ],
)
def test_bad_zone_input_shows_an_error_and_saves_nothing(staff_client, values, field):
    response = staff_client.post(reverse("dashboard:shipping_zone_create"), _zone_data(**values))
    assert response.status_code == 200
    assert response.context["form"].errors[field]
    assert not ShippingZone.objects.exists()


def test_zone_page_lists_its_methods_with_prices(staff_client):
    zone = ShippingZoneFactory(countries=["GB"])
    ShippingMethodFactory(zone=zone, name="Standard", price_amount=Decimal("4.95"))
    ShippingMethodFactory(zone=zone, name="Heavy", kind="weight", tiers=[(1000, 5), (5000, 12)])
    page = staff_client.get(
        reverse("dashboard:shipping_zone_edit", args=[zone.pk])
    ).content.decode()
    assert "$4.95" in page
    assert "2 tiers, $5.00–$12.00" in page


# ---------------------------------------------------------------- methods


def test_flat_method_create_and_edit_round_trip(staff_client):
    tax_defaults_ensure()
    zone = ShippingZoneFactory(countries=["GB"])
    url = reverse("dashboard:shipping_method_create", args=[zone.pk])
    data = _method_page(staff_client, url)
    data.update(
        name_en="Standard",
        name_zh_hans="标准配送",
        delivery_estimate_en="3–5 business days",
        kind="flat",
        price="4.95",
        free_over="50",
        tax_class="reduced",
    )
    response = staff_client.post(url, data)
    assert response.status_code == 302, response.context and response.context["form"].errors
    method = ShippingMethod.objects.get()
    assert (method.price_amount, method.free_over_amount, method.currency) == (
        Decimal("4.95"),
        Decimal(50),
        "USD",
    )
    assert method.tax_class.code == "reduced"
    assert method.safe_translation_getter("name", language_code="zh-hans") == "标准配送"

    edit_url = reverse("dashboard:shipping_method_edit", args=[method.pk])
    data = _method_page(staff_client, edit_url)
    assert (data["price"], data["free_over"], data["name_en"]) == ("4.95", "50.00", "Standard")
    data.update(price="5.50", name_zh_hans="", is_active="")
    data.pop("is_active")
    assert staff_client.post(edit_url, data).status_code == 302
    method = ShippingMethod.objects.get()
    assert method.price_amount == Decimal("5.50")
    assert not method.is_active
    assert list(method.translations.values_list("language_code", flat=True)) == ["en"]


def test_weight_method_with_tier_rows(staff_client):
    zone = ShippingZoneFactory(countries=["DE"])
    url = reverse("dashboard:shipping_method_create", args=[zone.pk])
    data = _method_page(staff_client, url)
    data.update(
        {
            "name_en": "Parcel",
            "kind": "weight",
            "tiers-0-up_to": "500",
            "tiers-0-price": "4",
            "tiers-1-up_to": "2000",
            "tiers-1-price": "7.5",
        }
    )
    assert staff_client.post(url, data).status_code == 302
    method = ShippingMethod.objects.get()
    assert list(method.rates.values_list("up_to", "price_amount")) == [
        (Decimal(500), Decimal(4)),
        (Decimal(2000), Decimal("7.5")),
    ]

    # Remove the first tier, add a third: replaced at once.
    edit_url = reverse("dashboard:shipping_method_edit", args=[method.pk])
    data = _method_page(staff_client, edit_url)
    data.update({"tiers-0-DELETE": "on", "tiers-2-up_to": "5000", "tiers-2-price": "12"})
    assert staff_client.post(edit_url, data).status_code == 302
    assert list(method.rates.values_list("up_to", flat=True)) == [Decimal(2000), Decimal(5000)]


def test_tiers_out_of_order_are_refused_and_nothing_changes(staff_client):
    method = ShippingMethodFactory(kind="weight", tiers=[(500, "3")], name="Keep")
    url = reverse("dashboard:shipping_method_edit", args=[method.pk])
    data = _method_page(staff_client, url)
    data.update({"name_en": "Changed", "tiers-1-up_to": "100", "tiers-1-price": "2"})
    response = staff_client.post(url, data)
    assert response.status_code == 200
    assert "larger than the tier before it" in response.content.decode()
    method = ShippingMethod.objects.get(pk=method.pk)
    assert str(method) == "Keep"
    assert list(ShippingRate.objects.values_list("up_to", flat=True)) == [Decimal(500)]


@pytest.mark.parametrize(
    ("values", "field"),
    [
        ({"name_en": ""}, "name_en"),
        ({"price": "-1"}, "price"),
        ({"price": ""}, "price"),
        ({"price": "abc"}, "price"),
        ({"kind": "pickup", "pickup_address": ""}, "pickup_address"),
        ({"min_order": "50", "max_order": "10"}, "max_order"),
        ({"kind": "teleport"}, "kind"),
    ],
)
def test_bad_method_input_shows_an_error_and_saves_nothing(staff_client, values, field):
    zone = ShippingZoneFactory()
    url = reverse("dashboard:shipping_method_create", args=[zone.pk])
    data = _method_page(staff_client, url)
    data.update({"name_en": "Standard", "kind": "flat", "price": "5", **values})
    response = staff_client.post(url, data)
    assert response.status_code == 200
    assert response.context["form"].errors[field]
    assert not ShippingMethod.objects.exists()


def test_half_filled_tier_row_is_refused(staff_client):
    zone = ShippingZoneFactory()
    url = reverse("dashboard:shipping_method_create", args=[zone.pk])
    data = _method_page(staff_client, url)
    data.update({"name_en": "Parcel", "kind": "weight", "tiers-0-up_to": "500"})
    response = staff_client.post(url, data)
    assert response.status_code == 200
    assert "or leave the row empty" in response.content.decode()
    assert not ShippingMethod.objects.exists()


def test_method_in_another_currency_is_flagged_and_resaved_in_the_shop_currency(staff_client):
    method = ShippingMethodFactory(currency="EUR", name="Old")
    url = reverse("dashboard:shipping_method_edit", args=[method.pk])
    response = staff_client.get(url)
    assert "the shop now sells in USD" in response.content.decode()
    data = _method_page(staff_client, url)
    assert staff_client.post(url, data).status_code == 302
    assert ShippingMethod.objects.get(pk=method.pk).currency == "USD"


def test_method_delete(staff_client):
    method = ShippingMethodFactory()
    response = staff_client.post(reverse("dashboard:shipping_method_delete", args=[method.pk]))
    assert response["Location"] == reverse("dashboard:shipping_zone_edit", args=[method.zone_id])
    assert not ShippingMethod.objects.exists()


def test_missing_zone_or_method_is_404(staff_client):
    assert (
        staff_client.get(reverse("dashboard:shipping_method_create", args=[999])).status_code == 404
    )
    assert (
        staff_client.get(reverse("dashboard:shipping_method_edit", args=[999])).status_code == 404
    )
    assert staff_client.get(reverse("dashboard:shipping_zone_edit", args=[999])).status_code == 404


# ---------------------------------------------------------------- carriers


def test_carrier_create_edit_delete_round_trip(staff_client):
    response = staff_client.post(
        reverse("dashboard:carrier_create"),
        {
            "name": "Yodel",
            "code": "yodel",
            "tracking_url_template": "https://www.yodel.co.uk/tracking/{number}",
            "position": "0",
        },
    )
    assert response.status_code == 302
    carrier = Carrier.objects.get()
    url = reverse("dashboard:carrier_edit", args=[carrier.pk])
    data = form_values(staff_client.get(url).context["form"])
    data.update(name="Yodel Direct")
    assert staff_client.post(url, data).status_code == 302
    assert Carrier.objects.get().name == "Yodel Direct"
    assert "Yodel Direct" in staff_client.get(reverse("dashboard:carrier_list")).content.decode()
    assert (
        staff_client.post(reverse("dashboard:carrier_delete", args=[carrier.pk])).status_code == 302
    )
    assert not Carrier.objects.exists()


@pytest.mark.parametrize(
    ("values", "field"),
    [
        ({"tracking_url_template": "https://t.example/"}, "tracking_url_template"),
        ({"tracking_url_template": "javascript:alert({number})"}, "tracking_url_template"),
        ({"tracking_url_template": "https://{number}"}, "tracking_url_template"),
        ({"code": "taken"}, "code"),
        ({"code": "not a slug"}, "code"),
    ],
)
def test_bad_carrier_input_shows_an_error_and_saves_nothing(staff_client, values, field):
    CarrierFactory(code="taken")
    data = {
        "name": "New",
        "code": "new",
        "tracking_url_template": "https://t.example/{number}",
        "position": "0",
        **values,
    }
    response = staff_client.post(reverse("dashboard:carrier_create"), data)
    assert response.status_code == 200
    assert response.context["form"].errors[field]
    assert Carrier.objects.count() == 1


# ---------------------------------------------------------------- access


def test_non_staff_cannot_see_or_change_shipping():
    method = ShippingMethodFactory()
    carrier = CarrierFactory()
    shopper = Client()
    shopper.force_login(UserFactory())
    for url in [
        reverse("dashboard:shipping_zone_list"),
        reverse("dashboard:shipping_zone_edit", args=[method.zone_id]),
        reverse("dashboard:shipping_method_edit", args=[method.pk]),
        reverse("dashboard:carrier_list"),
    ]:
        assert shopper.get(url).status_code == 403
    for url in [
        reverse("dashboard:shipping_zone_delete", args=[method.zone_id]),
        reverse("dashboard:shipping_method_delete", args=[method.pk]),
        reverse("dashboard:carrier_delete", args=[carrier.pk]),
        reverse("dashboard:shipping_defaults"),
    ]:
        assert shopper.post(url).status_code == 403
    assert ShippingMethod.objects.filter(pk=method.pk).exists()
    assert Carrier.objects.filter(pk=carrier.pk).exists()
    assert ShippingZone.objects.count() == 1
    assert Client().get(reverse("dashboard:shipping_zone_list")).status_code == 302


def test_unticking_a_country_drops_its_regions(staff_client):
    zone = ShippingZoneFactory(name="Remote", countries=["US"], regions=["US-AK"])
    url = reverse("dashboard:shipping_zone_edit", args=[zone.pk])
    data = form_values(staff_client.get(url).context["form"])
    data["countries"] = ["GB"]
    response = staff_client.post(url, data)
    assert response.status_code == 302
    zone.refresh_from_db()
    assert (zone.countries, zone.regions) == (["GB"], [])
