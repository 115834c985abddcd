"""Dashboard forms for tax classes and rates. They validate input; services write."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django import forms
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from duli.dashboard.forms import TranslatedFieldsMixin, _char, set_choices
from duli.tax.geo import country_choices, region_choices


def country_select_choices(*, blank: str | None = None) -> list[tuple[str, str]]:
    """Countries by name in the page's language, "Germany (DE)"."""
    choices = [(code, f"{name} ({code})") for code, name in country_choices(get_language())]
    return ([("", blank)] if blank is not None else []) + choices


class TaxClassForm(TranslatedFieldsMixin, forms.Form):
    translated = {"name": _char(80, _("Name"))}
    required_first = ("name",)

    code = forms.SlugField(
        label=_("Code"),
        max_length=40,
        help_text=_("A short fixed name for imports and the API, e.g. “books”."),
    )
    position = forms.IntegerField(label=_("Position"), initial=0)
    is_default = forms.BooleanField(
        label=_("Default class"),
        required=False,
        help_text=_("Products and shipping methods without a class are taxed as this one."),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._add_translated_fields()

    @classmethod
    def initial_for(cls, tax_class: Any) -> dict[str, Any]:
        return {
            **cls.translated_initial(tax_class, cls.translated),
            "code": tax_class.code,
            "position": tax_class.position,
            "is_default": tax_class.is_default,
        }

    def names(self) -> dict[str, str]:
        return {code: t["name"] for code, t in self.translations(self.cleaned_data).items()}


class TaxRateForm(forms.Form):
    """One rate. The region list follows the chosen country (the page's script reloads it
    when the country changes; without scripts it follows on the next submit)."""

    tax_class = forms.ChoiceField(label=_("Tax class"))
    country = forms.ChoiceField(label=_("Country"))
    region = forms.ChoiceField(
        label=_("Region"),
        required=False,
        help_text=_("A rate for a state or province beats the country’s rate there."),
    )
    rate = forms.DecimalField(
        label=_("Rate (%)"),
        min_value=Decimal(0),
        max_value=Decimal(100),
        max_digits=6,
        decimal_places=3,
        help_text=_("A percentage, e.g. 20 or 7.25."),
    )

    def __init__(
        self, *args: Any, tax_classes: list[tuple[str, str]] | None = None, **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        set_choices(self, "tax_class", tax_classes or [])
        set_choices(self, "country", country_select_choices(blank="—"))
        country = (self.data.get("country") if self.is_bound else None) or self.initial.get(
            "country", ""
        )
        set_choices(self, "region", region_select_choices(str(country or "")))
        self.fields["country"].widget.attrs["data-region-target"] = "id_region"

    @staticmethod
    def initial_for(rate: Any) -> dict[str, Any]:
        return {
            "tax_class": rate.tax_class.code,
            "country": rate.country,
            "region": rate.region,
            "rate": format(rate.rate.normalize(), "f"),
        }


def region_select_choices(country: str) -> list[tuple[str, str]]:
    return [("", str(_("Whole country")))] + [
        (code, f"{name} ({code})") for code, name in region_choices(country, get_language())
    ]
