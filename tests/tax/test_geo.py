from duli.tax.geo import (
    country_choices,
    country_name,
    is_country,
    is_region,
    region_choices,
    region_code,
    region_name,
)


def test_common_countries_are_known_and_made_up_ones_are_not():
    assert all(is_country(c) for c in ("CN", "US", "GB", "DE", "FR", "JP"))
    assert not is_country("XX")
    assert not is_country("EU")
    assert not is_country("gb")


def test_country_names_follow_the_language():
    assert country_name("DE", "en") == "Germany"
    assert country_name("DE", "zh-hans") == "德国"


def test_country_choices_are_sorted_by_name():
    names = [name for _code, name in country_choices("en")]
    assert names == sorted(names, key=str.casefold)
    assert ("GB", "United Kingdom") in country_choices("en")


def test_chinese_provinces_use_the_letter_codes():
    assert is_region("CN-GD", "CN")
    assert not is_region("CN-44", "CN")
    assert region_name("CN-GD", "zh-hans") == "广东省"
    assert region_name("CN-GD", "en") == "Guangdong Sheng"


def test_us_states_are_regions_of_the_us_only():
    assert is_region("US-CA", "US")
    assert not is_region("US-CA", "CA")
    assert ("US-NY", "New York") in region_choices("US", "en")


def test_region_code_reads_what_an_address_form_holds():
    assert region_code(country="US", area="CA") == "US-CA"
    assert region_code(country="US", area="california") == "US-CA"
    assert region_code(country="CN", area="广东省") == "CN-GD"
    assert region_code(country="CN", area="Guangdong Sheng") == "CN-GD"
    assert region_code(country="US", area="US-NY") == "US-NY"
    assert region_code(country="US", area="Atlantis") == ""
    assert region_code(country="GB", area="") == ""
