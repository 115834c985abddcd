"""Dashboard forms for shipping zones, methods (with their price tiers) and carriers.
They validate input and build service arguments; services write."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from duli.dashboard.forms import (
    TranslatedFieldsMixin,
    _char,
    amount_initial,
    lang_key,
    languages,
    set_choices,
)
from duli.dashboard.forms_tax import country_select_choices
from duli.shipping.models import ShippingMethodKind
from duli.shipping.rates import TIERED
from duli.shipping.services import MethodInput, TierInput
from duli.tax.geo import country_name, region_choices


def _amount(label: Any, **kwargs: Any) -> forms.DecimalField:
    kwargs.setdefault("required", False)
    return forms.DecimalField(
        label=label, min_value=Decimal(0), max_digits=16, decimal_places=4, **kwargs
    )


# ---------------------------------------------------------------- zones


class ShippingZoneForm(forms.Form):
    name = forms.CharField(
        label=_("Name"),
        max_length=120,
        help_text=_("For you only, e.g. “Domestic” or “Europe”. Shoppers see the methods."),
    )
    countries = forms.MultipleChoiceField(
        label=_("Countries"),
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": _("Choose at least one country.")},
    )
    regions = forms.MultipleChoiceField(
        label=_("Only these regions"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_(
            "Optional. Tick states or provinces to cover only them in their country; a "
            "zone listing a shopper’s region is used there instead of whole-country zones. "
            "Regions appear for the countries ticked when the zone was last saved."
        ),
    )
    position = forms.IntegerField(label=_("Position"), initial=0)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        chosen = (
            self.data.getlist("countries")
            if self.is_bound and hasattr(self.data, "getlist")
            else self.initial.get("countries") or []
        )
        # The zone's countries come first, so they are seen without scrolling the list.
        countries = country_select_choices()
        set_choices(
            self,
            "countries",
            [c for c in countries if c[0] in chosen] + [c for c in countries if c[0] not in chosen],
        )
        language = get_language()
        # Regions of the countries saved before stay valid choices, so unticking a country
        # drops its regions (see clean) instead of failing on them.
        offered = set(chosen) | set(self.initial.get("countries") or [])
        groups = [
            (country_name(c, language), region_choices(c, language))
            for c in sorted(offered)
            if region_choices(c, language)
        ]
        set_choices(self, "regions", groups)
        if not groups:
            self.fields["regions"].widget = forms.MultipleHiddenInput()

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        countries = set(data.get("countries") or [])
        data["regions"] = [r for r in data.get("regions") or [] if r[:2] in countries]
        return data

    @staticmethod
    def initial_for(zone: Any) -> dict[str, Any]:
        return {
            "name": zone.name,
            "countries": list(zone.countries or []),
            "regions": list(zone.regions or []),
            "position": zone.position,
        }

    def service_kwargs(self) -> dict[str, Any]:
        d = self.cleaned_data
        return {
            "name": d["name"],
            "countries": d["countries"],
            "regions": d["regions"],
            "position": d["position"],
        }


# ---------------------------------------------------------------- methods


class ShippingMethodForm(TranslatedFieldsMixin, forms.Form):
    translated = {
        "name": _char(120, _("Name"), help_text=_("What shoppers choose, e.g. “Standard”.")),
        "description": lambda: forms.CharField(
            label=_("Description"), widget=forms.Textarea(attrs={"rows": 2})
        ),
        "delivery_estimate": _char(
            80, _("Delivery estimate"), help_text=_("e.g. “3–5 business days”.")
        ),
    }
    required_first = ("name",)

    kind = forms.ChoiceField(
        label=_("Pricing"),
        choices=ShippingMethodKind.choices,
        initial=ShippingMethodKind.FLAT,
        widget=forms.RadioSelect(attrs={"data-method-kind": ""}),
    )
    price = _amount(
        _("Price"),
        help_text=_("For flat-rate and pickup methods. 0 makes it free."),
    )
    free_over = _amount(
        _("Free over"),
        help_text=_("Orders worth at least this much ship free. Empty: never free."),
    )
    min_order = _amount(_("Minimum order"), help_text=_("Offered only from this order value."))
    max_order = _amount(_("Maximum order"), help_text=_("Offered only up to this order value."))
    pickup_address = forms.CharField(
        label=_("Pickup address"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Where shoppers collect their orders, with opening hours."),
    )
    tax_class = forms.ChoiceField(label=_("Tax class"), required=False)
    is_active = forms.BooleanField(label=_("Offered to shoppers"), required=False, initial=True)
    position = forms.IntegerField(label=_("Position"), initial=0)

    def __init__(
        self,
        *args: Any,
        tax_classes: list[tuple[str, str]] | None = None,
        currency: str = "",
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self._add_translated_fields()
        classes = tax_classes or []
        default = classes[0][1] if classes else ""
        set_choices(
            self,
            "tax_class",
            [("", _("Default class (%(name)s)") % {"name": default}), *classes],
        )
        if currency:
            for name in ("price", "free_over", "min_order", "max_order"):
                self.fields[name].label = f"{self.fields[name].label} ({currency})"

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        kind = data.get("kind")
        if (
            kind in (ShippingMethodKind.FLAT, ShippingMethodKind.PICKUP)
            and data.get("price") is None
            and "price" not in self.errors
        ):
            self.add_error("price", _("Enter a price (0 for free)."))
        if kind == ShippingMethodKind.PICKUP and not (data.get("pickup_address") or "").strip():
            self.add_error("pickup_address", _("Say where shoppers pick their orders up."))
        low, high = data.get("min_order"), data.get("max_order")
        if low is not None and high is not None and low > high:
            self.add_error("max_order", _("The maximum must be at least the minimum."))
        return data

    @classmethod
    def initial_for(cls, method: Any) -> dict[str, Any]:
        return {
            **cls.translated_initial(method, cls.translated),
            "kind": method.kind,
            "price": amount_initial(method.price_amount),
            "free_over": amount_initial(method.free_over_amount),
            "min_order": amount_initial(method.min_order_amount),
            "max_order": amount_initial(method.max_order_amount),
            "pickup_address": method.pickup_address,
            "tax_class": method.tax_class.code if method.tax_class else "",
            "is_active": method.is_active,
            "position": method.position,
        }

    def all_translations(self) -> dict[str, dict[str, str]]:
        """Every language's text, empty ones too: saving a method replaces its texts."""
        d = self.cleaned_data
        return {
            code: {name: d.get(f"{name}_{lang_key(code)}") or "" for name in self.translated}
            for code, _label in languages()
        }

    def to_input(self, tiers: list[TierInput]) -> MethodInput:
        d = self.cleaned_data
        return MethodInput(
            translations=self.all_translations(),
            kind=d["kind"],
            price=d["price"] if d["price"] is not None else Decimal(0),
            free_over=d["free_over"],
            min_order=d["min_order"],
            max_order=d["max_order"],
            pickup_address=d["pickup_address"],
            tax_class_code=d["tax_class"] or None,
            is_active=d["is_active"],
            position=d["position"],
            tiers=tiers if d["kind"] in TIERED else [],
        )


class TierForm(forms.Form):
    up_to = forms.DecimalField(
        label=_("Up to"), min_value=Decimal(0), max_digits=16, decimal_places=4, required=False
    )
    price = _amount(_("Price"))

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for field in self.fields.values():  # the table's column heads are the visible labels
            field.widget.attrs.setdefault("aria-label", str(field.label))

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        up_to, price = data.get("up_to"), data.get("price")
        if (up_to is None) != (price is None) and not self.errors:
            raise ValidationError(_("Give both “up to” and a price, or leave the row empty."))
        return data

    @staticmethod
    def initial_for(rate: Any) -> dict[str, Any]:
        up_to = rate.up_to  # grams are whole numbers: 500, not 500.00
        plain = str(up_to.quantize(Decimal(1))) if up_to == up_to.to_integral_value() else None
        return {"up_to": plain or amount_initial(up_to), "price": amount_initial(rate.price_amount)}


class BaseTierFormSet(forms.BaseFormSet):
    def tiers(self) -> list[TierInput]:
        """Filled rows in the order shown (the service checks they increase)."""
        rows = []
        for form in self.forms:
            d = getattr(form, "cleaned_data", None) or {}
            if d.get("DELETE") or d.get("up_to") is None:
                continue
            rows.append(TierInput(up_to=d["up_to"], price=d["price"]))
        return rows


TierFormSet = forms.formset_factory(TierForm, formset=BaseTierFormSet, extra=4, can_delete=True)


# ---------------------------------------------------------------- carriers


class CarrierForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=120)
    code = forms.SlugField(
        label=_("Code"), max_length=40, help_text=_("A short fixed name, e.g. “ups”.")
    )
    tracking_url_template = forms.CharField(
        label=_("Tracking link"),
        max_length=500,
        help_text=_(
            "The carrier’s tracking page with {number} where the tracking number goes, "
            "e.g. https://www.ups.com/track?tracknum={number}"
        ),
        widget=forms.TextInput(attrs={"inputmode": "url", "spellcheck": "false"}),
    )
    position = forms.IntegerField(label=_("Position"), initial=0)

    def clean_tracking_url_template(self) -> str:
        value = str(self.cleaned_data["tracking_url_template"]).strip()
        if "{number}" not in value:
            raise ValidationError(_("Put {number} in the link where the tracking number goes."))
        if not value.startswith(("https://", "http://")):
            raise ValidationError(_("Use a full address starting with https://."))
        return value

    @staticmethod
    def initial_for(carrier: Any) -> dict[str, Any]:
        return {
            "name": carrier.name,
            "code": carrier.code,
            "tracking_url_template": carrier.tracking_url_template,
            "position": carrier.position,
        }
