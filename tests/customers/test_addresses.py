"""Addresses per country: validation with readable messages, normalising, formatting."""

from __future__ import annotations

import pytest
from django.utils import translation

from duli.core.errors import InvalidInput
from duli.customers.addresses import AddressData, address_validate
from duli.customers.errors import AddressInvalid
from duli.testing.customers_factories import CN_ADDRESS, GB_ADDRESS, US_ADDRESS


def errors_for(data: dict[str, str]) -> dict[str, str]:
    with pytest.raises(AddressInvalid) as caught:
        address_validate(data=data)
    return caught.value.errors


def test_a_us_address_needs_state_and_zip_code():
    errors = errors_for({**US_ADDRESS, "country_area": "", "postal_code": ""})

    assert errors == {"country_area": "Choose your state.", "postal_code": "Enter your ZIP code."}


def test_a_us_zip_code_must_match_the_state():
    errors = errors_for({**US_ADDRESS, "country_area": "CA", "postal_code": "10001"})

    assert errors == {"postal_code": "Enter a valid ZIP code, e.g. 90000"}


def test_a_us_state_typed_by_name_is_stored_as_its_code():
    address = address_validate(data={**US_ADDRESS, "country_area": "california", "country": "us"})

    assert (address.country, address.country_area) == ("US", "CA")


def test_a_gb_postcode_must_have_the_royal_mail_shape():
    errors = errors_for({**GB_ADDRESS, "postal_code": "12345"})

    assert errors == {"postal_code": "Enter a valid postcode, e.g. EC1Y 8SY"}


def test_a_gb_postcode_is_upper_cased_and_spaced():
    address = address_validate(data={**GB_ADDRESS, "postal_code": "sw1a2aa"})

    assert address.postal_code == "SW1A 2AA"


def test_a_gb_address_has_no_state_so_a_typed_one_is_dropped():
    address = address_validate(data={**GB_ADDRESS, "country_area": "Greater London"})

    assert address.country_area == ""


def test_a_chinese_province_must_be_one_of_the_list():
    errors = errors_for({**CN_ADDRESS, "country_area": "Atlantis"})

    assert errors == {"country_area": "Choose your province from the list."}


def test_a_chinese_province_typed_in_pinyin_is_stored_by_its_chinese_name():
    address = address_validate(
        data={
            **CN_ADDRESS,
            "country_area": "Guangdong Sheng",
            "city": "深圳市",
            "city_area": "南山区",
            "postal_code": "518000",
        }
    )

    assert address.country_area == "广东省"


def test_a_chinese_city_missing_from_googles_list_is_kept_as_typed():
    # Shanghai's list holds only its districts; people still write 上海市 as the city.
    address = address_validate(data=CN_ADDRESS)

    assert (address.country_area, address.city, address.city_area) == (
        "上海市",
        "上海市",
        "浦东新区",
    )


def test_messages_follow_the_active_language():
    with translation.override("zh-hans"):
        errors = errors_for({**CN_ADDRESS, "postal_code": ""})

    assert errors == {"postal_code": "请填写邮政编码。"}


def test_a_country_without_postal_codes_drops_one_and_needs_none():
    data = {
        "first_name": "Noor",
        "last_name": "Hassan",
        "street_address_1": "Villa 12, Al Wasl Road",
        "country_area": "Dubai",
        "postal_code": "12345",
        "country": "AE",
    }

    address = address_validate(data=data)

    assert address.postal_code == ""
    assert address.country_area == "إمارة دبيّ"  # the emirate's key in Google's list


def test_hong_kong_needs_no_postal_code():
    data = {
        "first_name": "Mei",
        "last_name": "Chan",
        "street_address_1": "1 Queen's Road",
        "city": "Central",
        "country_area": "Hong Kong Island",
        "country": "HK",
    }

    assert address_validate(data=data).postal_code == ""


def test_unknown_country_is_refused():
    assert errors_for({**US_ADDRESS, "country": "XX"}) == {
        "country": "Choose a country or region from the list."
    }


def test_names_are_required_everywhere():
    errors = errors_for({**GB_ADDRESS, "first_name": " ", "last_name": ""})

    assert errors == {"first_name": "Enter your first name.", "last_name": "Enter your last name."}


def test_a_phone_number_needs_digits():
    assert errors_for({**US_ADDRESS, "phone": "call me"}) == {
        "phone": "Enter a valid phone number, e.g. +1 415 555 0100."
    }


def test_an_overlong_field_is_refused_with_its_limit():
    assert errors_for({**US_ADDRESS, "city": "x" * 101}) == {"city": "Use at most 100 characters."}


def test_whitespace_is_tidied():
    address = address_validate(
        data={**US_ADDRESS, "street_address_1": "  1600   Amphitheatre Pkwy "}
    )

    assert address.street_address_1 == "1600 Amphitheatre Pkwy"


def test_the_refusal_is_an_invalid_input_with_a_code_and_every_field():
    with pytest.raises(InvalidInput) as caught:
        address_validate(data={"country": "US"})

    body = caught.value.as_dict()
    assert body["code"] == "address_invalid"
    assert body["message"] == "Check the address: 6 fields need attention."
    assert set(body["errors"]) == {
        "first_name",
        "last_name",
        "street_address_1",
        "city",
        "country_area",
        "postal_code",
    }


def test_snapshot_round_trip_ignores_unknown_keys_and_fills_missing_ones():
    address = address_validate(data=US_ADDRESS)

    snapshot = {**address.as_dict(), "email": "ignored@example.com"}
    del snapshot["phone"]

    assert AddressData.from_dict(snapshot) == address


def test_us_lines_read_as_americans_write_them():
    lines = address_validate(data=US_ADDRESS).lines(language="en")

    assert lines == [
        "Ada Lovelace",
        "1600 Amphitheatre Pkwy",
        "Mountain View, CA 94043",
        "United States",
    ]


def test_chinese_lines_in_chinese_go_from_province_down():
    lines = address_validate(data=CN_ADDRESS).lines(language="zh-hans")

    assert lines == ["200120", "上海市浦东新区", "世纪大道100号", "张伟", "中国"]


def test_chinese_lines_in_english_are_romanised():
    lines = address_validate(
        data={
            **CN_ADDRESS,
            "country_area": "广东省",
            "city": "深圳市",
            "city_area": "南山区",
            "postal_code": "518000",
        }
    ).lines(language="en")

    assert lines == [
        "张伟",
        "世纪大道100号",
        "Nanshan Qu",
        "Shenzhen Shi",
        "Guangdong Sheng, 518000",
        "China",
    ]


def test_envelope_lines_are_upper_cased_where_the_post_wants_it():
    lines = address_validate(data=GB_ADDRESS).lines(language="en", envelope=True)

    assert lines == ["Alan Turing", "10 Downing Street", "LONDON", "SW1A 2AA", "UNITED KINGDOM"]


def test_a_second_street_line_is_its_own_line():
    lines = address_validate(data={**US_ADDRESS, "street_address_2": "Suite 4"}).lines(
        language="en"
    )

    assert lines[1:3] == ["1600 Amphitheatre Pkwy", "Suite 4"]


def test_a_snapshot_with_an_unknown_country_still_prints():
    address = AddressData.from_dict({"first_name": "Ada", "city": "Atlantis", "country": "XX"})

    assert address.lines() == ["Ada", "Atlantis", "XX"]
