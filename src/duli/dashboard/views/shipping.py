"""Shipping: zones with their methods, the method editor (prices, tiers, texts) and
carriers."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.contrib import messages
from django.db import transaction
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from duli.core.errors import DomainError
from duli.core.money import Money
from duli.core.selectors import shop_settings_get
from duli.dashboard.forms_shipping import (
    CarrierForm,
    ShippingMethodForm,
    ShippingZoneForm,
    TierForm,
    TierFormSet,
)
from duli.dashboard.views.access import domain_error_message, staff_required
from duli.shipping.errors import CarrierCodeTaken, InvalidTiers, InvalidTrackingTemplate
from duli.shipping.models import Carrier, ShippingMethod, ShippingZone
from duli.shipping.rates import TIERED
from duli.shipping.selectors import (
    carriers_all,
    shipping_method_get,
    shipping_zone_get,
    shipping_zones_overview,
)
from duli.shipping.services import (
    carrier_create,
    carrier_delete,
    carrier_update,
    shipping_defaults_ensure,
    shipping_method_create,
    shipping_method_delete,
    shipping_method_update,
    shipping_zone_create,
    shipping_zone_delete,
    shipping_zone_update,
)
from duli.tax.geo import country_name, region_name
from duli.tax.selectors import tax_class_choices
from duli.tax.services import tax_defaults_ensure


def method_summary(method: ShippingMethod) -> str:
    """ "$5.00", "Free over $50.00", "3 tiers, $7.00–$20.00" for the zone's method table."""
    language = get_language() or "en"

    def money(amount: Decimal) -> str:
        return Money(amount, method.currency).format(language)

    if method.kind in TIERED:
        prices = [r.price_amount for r in method.rates.all()]
        if not prices:
            text = _("No tiers")
        else:
            text = _("%(n)d tiers, %(low)s–%(high)s") % {
                "n": len(prices),
                "low": money(min(prices)),
                "high": money(max(prices)),
            }
    else:
        text = money(method.price_amount) if method.price_amount else _("Free")
    if method.free_over_amount is not None:
        text += " · " + _("free from %(amount)s") % {"amount": money(method.free_over_amount)}
    if method.min_order_amount is not None:
        text += " · " + _("orders from %(amount)s") % {"amount": money(method.min_order_amount)}
    return text


def _place_names(zone: ShippingZone) -> tuple[list[str], list[str]]:
    language = get_language()
    return (
        [country_name(c, language) for c in zone.countries or []],
        [region_name(r, language) for r in zone.regions or []],
    )


# ---------------------------------------------------------------- zones


@staff_required
def shipping_zone_list(request: HttpRequest) -> HttpResponse:
    shop = shop_settings_get()
    zones = shipping_zones_overview()
    rows = [
        (zone, *_place_names(zone), [(m, method_summary(m)) for m in zone.methods.all()])
        for zone in zones
    ]
    return render(
        request,
        "dashboard/shipping/zones.html",
        {"rows": rows, "shop": shop, "nav": "shipping"},
    )


@staff_required
@require_POST
def shipping_defaults(request: HttpRequest) -> HttpResponse:
    """Create the suggested starting setup (only when the shop has no zones yet)."""
    shop = shop_settings_get()
    tax_defaults_ensure()
    if shipping_defaults_ensure(country=shop.country, currency=shop.currency):
        messages.success(
            request, _("A starting setup was added. Check the prices and switch on pickup.")
        )
    else:
        messages.info(request, _("The shop has shipping zones already; nothing was added."))
    return redirect("dashboard:shipping_zone_list")


@staff_required
def shipping_zone_edit(request: HttpRequest, pk: int | None = None) -> HttpResponse:
    zone = None
    if pk:
        zone = shipping_zone_get(zone_id=pk)
        if zone is None:
            raise Http404
    initial = ShippingZoneForm.initial_for(zone) if zone else {"position": 0}
    form = ShippingZoneForm(request.POST if request.method == "POST" else None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            if zone is None:
                saved = shipping_zone_create(**form.service_kwargs())
            else:
                saved = shipping_zone_update(zone_id=zone.pk, **form.service_kwargs())
        except DomainError as exc:
            field = exc.context.get("field")
            form.add_error(field if field in form.fields else None, domain_error_message(exc))
        else:
            messages.success(request, _("Zone “%(name)s” saved.") % {"name": saved.name})
            return redirect("dashboard:shipping_zone_edit", pk=saved.pk)
    shop = shop_settings_get()
    return render(
        request,
        "dashboard/shipping/zone_edit.html",
        {
            "form": form,
            "zone": zone,
            "methods": [(m, method_summary(m)) for m in zone.methods.all()] if zone else [],
            "shop": shop,
            "nav": "shipping",
        },
    )


@staff_required
@require_POST
def shipping_zone_delete_view(request: HttpRequest, pk: int) -> HttpResponse:
    zone = ShippingZone.objects.filter(pk=pk).first()
    if zone is None:
        raise Http404
    shipping_zone_delete(zone_id=pk)
    messages.success(request, _("Zone “%(name)s” deleted.") % {"name": zone.name})
    return redirect("dashboard:shipping_zone_list")


# ---------------------------------------------------------------- methods


def _method_forms(
    request: HttpRequest, method: ShippingMethod | None, currency: str
) -> tuple[ShippingMethodForm, Any]:
    data = request.POST if request.method == "POST" else None
    initial = ShippingMethodForm.initial_for(method) if method else {"kind": "flat", "position": 0}
    form = ShippingMethodForm(
        data, initial=initial, tax_classes=tax_class_choices(), currency=currency
    )
    tiers = TierFormSet(
        data,
        prefix="tiers",
        initial=[TierForm.initial_for(r) for r in method.rates.all()] if method else [],
    )
    return form, tiers


@staff_required
def shipping_method_edit(
    request: HttpRequest, pk: int | None = None, zone_pk: int | None = None
) -> HttpResponse:
    method = None
    if pk:
        method = shipping_method_get(method_id=pk)
        if method is None:
            raise Http404
        zone = method.zone
    else:
        found = ShippingZone.objects.filter(pk=zone_pk or 0).first()
        if found is None:
            raise Http404
        zone = found
    currency = shop_settings_get().currency
    form, tiers = _method_forms(request, method, currency)
    tier_error = ""
    if request.method == "POST":
        valid = [form.is_valid(), tiers.is_valid()]
        if all(valid):
            data = form.to_input(tiers.tiers())
            try:
                with transaction.atomic():
                    if method is None:
                        saved = shipping_method_create(
                            zone_id=zone.pk, data=data, currency=currency
                        )
                    else:
                        saved = shipping_method_update(
                            method_id=method.pk, data=data, currency=currency
                        )
            except DomainError as exc:
                if isinstance(exc, InvalidTiers):
                    tier_error = domain_error_message(exc)
                else:
                    field = exc.context.get("field")
                    if field and f"{field}_en" in form.fields:
                        field = f"{field}_en"
                    form.add_error(
                        field if field in form.fields else None, domain_error_message(exc)
                    )
            else:
                messages.success(request, _("Shipping method “%(name)s” saved.") % {"name": saved})
                return redirect("dashboard:shipping_zone_edit", pk=zone.pk)
        messages.error(request, _("Nothing was saved. Fix the marked fields and save again."))
    return render(
        request,
        "dashboard/shipping/method_edit.html",
        {
            "form": form,
            "tiers": tiers,
            "tier_error": tier_error,
            "method": method,
            "zone": zone,
            "currency": currency,
            "currency_mismatch": bool(method and method.currency != currency),
            "nav": "shipping",
        },
    )


@staff_required
@require_POST
def shipping_method_delete_view(request: HttpRequest, pk: int) -> HttpResponse:
    method = ShippingMethod.objects.filter(pk=pk).first()
    if method is None:
        raise Http404
    name, zone_id = str(method), method.zone_id
    shipping_method_delete(method_id=pk)
    messages.success(request, _("Shipping method “%(name)s” deleted.") % {"name": name})
    return redirect("dashboard:shipping_zone_edit", pk=zone_id)


# ---------------------------------------------------------------- carriers


@staff_required
def carrier_list(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "dashboard/shipping/carriers.html",
        {"carriers": list(carriers_all()), "nav": "carriers"},
    )


@staff_required
def carrier_edit(request: HttpRequest, pk: int | None = None) -> HttpResponse:
    carrier = None
    if pk:
        carrier = Carrier.objects.filter(pk=pk).first()
        if carrier is None:
            raise Http404
    initial = CarrierForm.initial_for(carrier) if carrier else {"position": 0}
    form = CarrierForm(request.POST if request.method == "POST" else None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            if carrier is None:
                saved = carrier_create(**form.cleaned_data)
            else:
                saved = carrier_update(carrier_id=carrier.pk, **form.cleaned_data)
        except DomainError as exc:
            field = {CarrierCodeTaken: "code", InvalidTrackingTemplate: "tracking_url_template"}
            form.add_error(field.get(type(exc)), domain_error_message(exc))
        else:
            messages.success(request, _("Carrier “%(name)s” saved.") % {"name": saved.name})
            return redirect("dashboard:carrier_list")
    return render(
        request,
        "dashboard/shipping/carrier_edit.html",
        {"form": form, "carrier": carrier, "nav": "carriers"},
    )


@staff_required
@require_POST
def carrier_delete_view(request: HttpRequest, pk: int) -> HttpResponse:
    carrier = Carrier.objects.filter(pk=pk).first()
    if carrier is None:
        raise Http404
    carrier_delete(carrier_id=pk)
    messages.success(request, _("Carrier “%(name)s” deleted.") % {"name": carrier.name})
    return redirect("dashboard:carrier_list")
