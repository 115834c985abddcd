"""The address form, one per country: the account's address book uses it, and so does the
checkout (as `AddressForm(request.POST or None, countries=shipping_countries,
prefix="shipping")` rendered with `storefront/partials/address_fields.html`).

Which fields show, their labels, order, which are required and the state/province list come
from `duli.customers.selectors.address_form_spec`; the checking is `address_validate`, whose
per-field messages land on the fields. Django's own `required` check is switched off so
that every message comes from one place ("Enter your ZIP code."), while the inputs still
carry the `required` attribute for the browser.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django import forms
from django.forms import BoundField
from django.utils import translation
from django.utils.translation import gettext_lazy as _

from duli.customers.addresses import ADDRESS_FIELDS, MAX_LENGTHS, AddressData, AddressField
from duli.customers.errors import AddressInvalid
from duli.customers.selectors import address_countries, address_form_spec
from duli.customers.services import address_validate

# https://html.spec.whatwg.org/multipage/form-control-infrastructure.html#autofill
AUTOCOMPLETE = {
    "first_name": "given-name",
    "last_name": "family-name",
    "company": "organization",
    "street_address_1": "address-line1",
    "street_address_2": "address-line2",
    "city": "address-level2",
    "city_area": "address-level3",
    "country_area": "address-level1",
    "postal_code": "postal-code",
    "country": "country",
    "phone": "tel",
}
# A form prefixed "shipping" or "billing" tells the browser which address it is.
AUTOFILL_SECTIONS = frozenset({"shipping", "billing"})
FALLBACK_COUNTRY = "US"


class TelInput(forms.TextInput):
    input_type = "tel"


class AddressForm(forms.Form):
    """An address for one country. The country is, in order: the one posted, the one in
    `initial`, `country`, the first of `countries`, else the US. `countries` limits the
    country list (the checkout passes the countries the shop ships to; None = all).

    After `is_valid()`, `form.address` is the normalised `AddressData`.
    """

    def __init__(
        self,
        data: Mapping[str, Any] | None = None,
        *,
        country: str | None = None,
        countries: list[str] | None = None,
        prefix: str | None = None,
        initial: Mapping[str, Any] | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(data, prefix=prefix, initial=dict(initial or {}), **kwargs)
        language = translation.get_language() or "en"
        self.address: AddressData | None = None
        choices = address_countries(language=language, only=countries)
        codes = [code for code, _name in choices]
        self.country_code = self._pick_country(codes, country, countries)
        self.spec = address_form_spec(country=self.country_code, language=language)
        section = f"{prefix} " if prefix in AUTOFILL_SECTIONS else ""
        self.fields["country"] = forms.ChoiceField(
            label=_("Country or region"),
            choices=choices,
            initial=self.country_code,
            error_messages={"invalid_choice": _("Choose a country or region from the list.")},
            widget=forms.Select(
                attrs={"autocomplete": f"{section}country", "data-address-country": ""}
            ),
        )
        for spec in self.spec.fields:
            self.fields[spec.name] = _field(spec, section, self.spec.postal_code_example)
        if not self.is_bound:
            self.initial["country"] = self.country_code

    def _pick_country(
        self, codes: list[str], country: str | None, countries: list[str] | None
    ) -> str:
        posted = self.data.get(self.add_prefix("country")) if self.is_bound else None
        candidates = [posted, self.initial.get("country"), country]
        candidates += [*(countries or []), FALLBACK_COUNTRY]
        for code in candidates:
            if code and str(code).upper() in codes:
                return str(code).upper()
        return codes[0] if codes else FALLBACK_COUNTRY

    @property
    def rows(self) -> list[list[BoundField]]:
        """The fields after the country, grouped in the lines the country writes them on."""
        return [[self[name] for name in row] for row in self.spec.rows]

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        if self.errors:  # a choice or length Django already refused
            return cleaned
        values = {name: str(cleaned.get(name) or "") for name in ADDRESS_FIELDS}
        try:
            self.address = address_validate(data=values)
        except AddressInvalid as exc:
            for name, message in exc.errors.items():
                self.add_error(name if name in self.fields else None, message)
        else:
            cleaned.update(self.address.as_dict())
        return cleaned


def _field(spec: AddressField, section: str, postal_code_example: str) -> forms.Field:
    attrs: dict[str, Any] = {"autocomplete": f"{section}{AUTOCOMPLETE[spec.name]}"}
    if spec.required:
        attrs["required"] = True
    if spec.name == "country_area" and spec.choices:
        placeholder = [("", "—")]
        return forms.ChoiceField(
            label=spec.label,
            choices=placeholder + list(spec.choices),
            required=False,
            help_text=spec.help_text,
            error_messages={"invalid_choice": _("Choose one from the list.")},
            widget=forms.Select(attrs=attrs),
        )
    widget: forms.Widget
    if spec.name == "phone":
        attrs["inputmode"] = "tel"
        widget = TelInput(attrs=attrs)
    else:
        if spec.name == "postal_code":
            attrs.update(_postal_code_keyboard(postal_code_example))
        widget = forms.TextInput(attrs=attrs)
    return forms.CharField(
        label=spec.label,
        max_length=MAX_LENGTHS[spec.name],
        required=False,
        help_text=spec.help_text,
        widget=widget,
    )


def _postal_code_keyboard(example: str) -> dict[str, str]:
    """A number pad for all-digit postal codes (US, CN), capitals for letters (GB, CA)."""
    if example.isdigit():
        return {"inputmode": "numeric"}
    if any(ch.isalpha() for ch in example):
        return {"autocapitalize": "characters", "spellcheck": "false"}
    return {}
