"""The shipping and tax pages' scripts in a real browser (country filter, method kind switch,
region list that follows the country)."""

from collections.abc import Iterator

import pytest
from django.conf import settings
from django.test import Client

from duli.shipping.models import ShippingMethod
from duli.tax.services import tax_defaults_ensure
from duli.testing.factories import StaffFactory
from duli.testing.shipping_factories import ShippingMethodFactory, ShippingZoneFactory

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def staff_page(browser, live_server) -> Iterator[object]:  # type: ignore[no-untyped-def]
    client = Client()
    client.force_login(StaffFactory(email="owner@example.com"))
    context = browser.new_context(viewport={"width": 390, "height": 900}, locale="en-US")
    context.add_cookies(
        [
            {
                "name": settings.SESSION_COOKIE_NAME,
                "value": client.cookies[settings.SESSION_COOKIE_NAME].value,
                "url": live_server.url,
            }
        ]
    )
    page = context.new_page()
    page.set_default_timeout(10_000)
    errors: list[str] = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    yield page
    context.close()
    assert not errors, errors


def test_region_list_follows_the_chosen_country(staff_page, live_server):
    tax_defaults_ensure()  # a transactional test before this one may have flushed the seed
    page = staff_page
    page.goto(live_server.url + "/dashboard/tax/rates/new/")
    page.select_option("#id_country", "US")
    page.wait_for_selector("#id_region option[value='US-CA']", state="attached")
    page.select_option("#id_region", "US-CA")
    page.fill("#id_rate", "7.25")
    page.click(".savebar button[type=submit]")
    page.wait_for_url("**/dashboard/tax/")
    assert "California (US-CA)" in page.content()


def test_method_kind_shows_tiers_only_for_tiered_pricing(staff_page, live_server):
    zone = ShippingZoneFactory(countries=["GB"])
    page = staff_page
    page.goto(live_server.url + f"/dashboard/shipping/zones/{zone.pk}/methods/new/")
    assert not page.is_visible("#tiers")
    page.check("input[name=kind][value=weight]")
    assert page.is_visible("#tiers")
    assert not page.is_visible("#id_price")
    page.fill("#id_name_en", "Parcel")
    page.fill("#id_tiers-0-up_to", "500")
    page.fill("#id_tiers-0-price", "4")
    page.click("[data-more-rows=tier-rows]")
    page.fill("#id_tiers-1-up_to", "2000")
    page.fill("#id_tiers-1-price", "8")
    page.click(".savebar button[type=submit]")
    page.wait_for_url(f"**/dashboard/shipping/zones/{zone.pk}/")
    method = ShippingMethod.objects.get()
    assert method.rates.count() == 2


def test_country_filter_narrows_the_list(staff_page, live_server):
    ShippingMethodFactory()
    page = staff_page
    page.goto(live_server.url + "/dashboard/shipping/zones/new/")
    page.fill("[data-filter-for=country-choices]", "germ")
    visible = page.locator("#country-choices label:visible").all_inner_texts()
    assert [t.strip() for t in visible] == ["Germany (DE)"]
    page.check("#country-choices input[value=DE]")
    assert "Germany (DE)" in page.inner_text("[data-checked-count]")
