"""What an address form asks for per country, the address book order, verified emails."""

from __future__ import annotations

import pytest
from allauth.account.models import EmailAddress

from duli.customers.errors import AddressInvalid
from duli.customers.selectors import (
    address_countries,
    address_form_spec,
    addresses_for,
    user_emails_verified,
)
from duli.testing.customers_factories import GB_ADDRESS, AddressFactory, ShopperFactory
from duli.testing.factories import UserFactory


def labels(country: str, language: str = "en") -> dict[str, str]:
    return {f.name: f.label for f in address_form_spec(country=country, language=language).fields}


def test_us_form_asks_for_state_and_zip_code_on_the_city_line():
    spec = address_form_spec(country="US", language="en")

    assert labels("US")["country_area"] == "State"
    assert labels("US")["postal_code"] == "ZIP code"
    assert ("city", "country_area", "postal_code") in spec.rows
    assert {"country_area", "postal_code", "city", "street_address_1"} <= spec.required
    assert spec.get("country_area").choices[:2] == (("AL", "Alabama"), ("AK", "Alaska"))
    assert spec.postal_code_example == "95014"


def test_gb_form_says_postcode_and_has_no_state():
    assert labels("GB")["postal_code"] == "Postcode"
    assert "country_area" not in labels("GB")


def test_ireland_asks_for_a_county_and_an_optional_eircode():
    spec = address_form_spec(country="IE", language="en")

    assert labels("IE")["country_area"] == "County"
    assert labels("IE")["postal_code"] == "Eircode"
    assert "postal_code" not in spec.required


def test_china_in_chinese_lists_provinces_in_chinese_and_asks_family_name_first():
    spec = address_form_spec(country="CN", language="zh-hans")

    assert spec.rows[0] == ("last_name", "first_name")
    assert ("country_area", "city", "city_area") in spec.rows
    assert ("北京市", "北京市") in spec.get("country_area").choices
    assert labels("CN", "zh-hans")["postal_code"] == "邮政编码"


def test_china_in_english_lists_provinces_in_pinyin():
    spec = address_form_spec(country="CN", language="en")

    assert ("北京市", "Beijing Shi") in spec.get("country_area").choices
    assert labels("CN")["country_area"] == "Province"


def test_a_country_without_postal_codes_has_no_postal_code_field():
    assert "postal_code" not in labels("AE")


def test_an_unknown_country_has_no_spec():
    with pytest.raises(AddressInvalid):
        address_form_spec(country="XX", language="en")


def test_country_names_are_in_the_language_asked():
    assert ("GB", "United Kingdom") in address_countries(language="en")
    assert address_countries(language="zh-hans", only=["gb", "CN", "XX"]) == [
        ("CN", "中国"),
        ("GB", "英国"),
    ]


@pytest.mark.django_db
def test_the_book_lists_the_default_first_then_the_latest():
    user = UserFactory()
    default = AddressFactory(user=user)
    older = AddressFactory(user=user, **GB_ADDRESS)
    newer = AddressFactory(user=user, city="San Francisco", postal_code="94103")
    AddressFactory()  # someone else's

    assert list(addresses_for(user_id=user.pk)) == [default, newer, older]


@pytest.mark.django_db
def test_only_verified_emails_are_listed():
    shopper = ShopperFactory(email="Ada@example.com", email_verified=True)
    EmailAddress.objects.create(user=shopper, email="old@example.com", verified=False)

    assert user_emails_verified(user_id=shopper.pk) == ["ada@example.com"]
    assert user_emails_verified(user_id=ShopperFactory().pk) == []
