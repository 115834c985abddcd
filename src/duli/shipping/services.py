"""Writes to the shipping settings: zones, methods with their tiers, carriers, and a
starting setup for a new shop. Each service validates everything before it writes, so a
refusal changes nothing."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from duli.core.errors import InvalidInput, NotFound
from duli.core.money import Money
from duli.core.selectors import shop_settings_get
from duli.shipping.errors import (
    CarrierCodeTaken,
    InvalidMethod,
    InvalidTiers,
    InvalidTrackingTemplate,
    InvalidZone,
)
from duli.shipping.models import (
    Carrier,
    ShippingMethod,
    ShippingMethodKind,
    ShippingRate,
    ShippingZone,
)
from duli.shipping.rates import TIERED
from duli.tax.geo import country_name, is_country, is_region
from duli.tax.models import TaxClass

Translations = Mapping[str, Mapping[str, Any]]  # {"en": {"name": …, "description": …}}
METHOD_TEXT_FIELDS = ("name", "description", "delivery_estimate")


# ---------------------------------------------------------------- zones


def _clean_zone(
    name: str, countries: Iterable[str], regions: Iterable[str]
) -> tuple[str, list[str], list[str]]:
    name = name.strip()
    if not name:
        raise InvalidZone(_("A zone needs a name."))
    codes = sorted({c.strip().upper() for c in countries if c and c.strip()})
    if not codes:
        raise InvalidZone(_("Choose at least one country for the zone."))
    unknown = [c for c in codes if not is_country(c)]
    if unknown:
        raise InvalidZone(
            _("Not country codes: %(codes)s.") % {"codes": ", ".join(unknown)}, field="countries"
        )
    region_codes = sorted({r.strip().upper() for r in regions if r and r.strip()})
    for region in region_codes:
        if region[:2] not in codes:
            raise InvalidZone(
                _("%(region)s is not in one of the zone's countries.") % {"region": region},
                field="regions",
            )
        if not is_region(region, region[:2]):
            raise InvalidZone(
                _("“%(region)s” is not a region of %(country)s.")
                % {"region": region, "country": country_name(region[:2])},
                field="regions",
            )
    return name, codes, region_codes


def shipping_zone_create(
    *, name: str, countries: Iterable[str], regions: Iterable[str] = (), position: int = 0
) -> ShippingZone:
    """Add a zone: the countries it covers, optionally narrowed to some of their regions."""
    name, codes, region_codes = _clean_zone(name, countries, regions)
    return ShippingZone.objects.create(
        name=name, countries=codes, regions=region_codes, position=position
    )


def shipping_zone_update(
    *,
    zone_id: int,
    name: str,
    countries: Iterable[str],
    regions: Iterable[str] = (),
    position: int = 0,
) -> ShippingZone:
    """Replace a zone's name, countries, regions and position."""
    name, codes, region_codes = _clean_zone(name, countries, regions)
    with transaction.atomic():
        zone = ShippingZone.objects.select_for_update().filter(pk=zone_id).first()
        if zone is None:
            raise NotFound(_("That shipping zone no longer exists."))
        zone.name, zone.countries, zone.regions, zone.position = name, codes, region_codes, position
        zone.save()
    return zone


def shipping_zone_delete(*, zone_id: int) -> None:
    """Delete a zone with its methods. Orders keep their own copy of what they chose."""
    deleted, _rows = ShippingZone.objects.filter(pk=zone_id).delete()
    if not deleted:
        raise NotFound(_("That shipping zone no longer exists."))


# ---------------------------------------------------------------- methods


@dataclass(frozen=True, slots=True)
class TierInput:
    up_to: Decimal  # grams for weight methods, an amount for value methods
    price: Decimal


@dataclass
class MethodInput:
    """What a merchant edits on a shipping method. Amounts are in the shop's currency."""

    translations: Translations
    kind: str = ShippingMethodKind.FLAT
    price: Decimal = Decimal(0)
    free_over: Decimal | None = None
    min_order: Decimal | None = None
    max_order: Decimal | None = None
    pickup_address: str = ""
    tax_class_code: str | None = None
    is_active: bool = True
    position: int = 0
    tiers: Sequence[TierInput] = field(default_factory=list)


def _clean_tiers(kind: str, tiers: Sequence[TierInput]) -> list[TierInput]:
    if kind not in TIERED:
        return []
    if not tiers:
        raise InvalidTiers(_("Add at least one price tier."))
    previous: Decimal | None = None
    for tier in tiers:
        if tier.up_to < 0 or tier.price < 0:
            raise InvalidTiers(_("Tier limits and prices cannot be negative."))
        if previous is not None and tier.up_to <= previous:
            raise InvalidTiers(_("Each tier's “up to” must be larger than the tier before it."))
        previous = tier.up_to
    return list(tiers)


def _clean_method(data: MethodInput) -> tuple[int | None, list[TierInput]]:
    """Check a method's input; returns its tax class id and tiers."""
    if data.kind not in ShippingMethodKind.values:
        raise InvalidMethod(_("Choose how the method is priced."))
    if not any((t.get("name") or "").strip() for t in data.translations.values()):
        raise InvalidMethod(_("A shipping method needs a name."), field="name")
    amounts = (data.price, data.free_over, data.min_order, data.max_order)
    if any(a is not None and a < 0 for a in amounts):
        raise InvalidMethod(_("Prices and order limits cannot be negative."))
    if (
        data.min_order is not None
        and data.max_order is not None
        and data.min_order > data.max_order
    ):
        raise InvalidMethod(_("The minimum order is above the maximum order."), field="max_order")
    if data.kind == ShippingMethodKind.PICKUP and not data.pickup_address.strip():
        raise InvalidMethod(_("Say where shoppers pick their orders up."), field="pickup_address")
    tax_class_id = None
    if data.tax_class_code:
        tax_class_id = (
            TaxClass.objects.filter(code=data.tax_class_code).values_list("pk", flat=True).first()
        )
        if tax_class_id is None:
            raise InvalidMethod(_("That tax class no longer exists."), field="tax_class")
    return tax_class_id, _clean_tiers(data.kind, data.tiers)


def _method_apply(
    method: ShippingMethod, data: MethodInput, tax_class_id: int | None, currency: str
) -> None:
    method.kind = data.kind
    method.currency = currency
    method.price_amount = data.price if data.kind not in TIERED else Decimal(0)
    method.free_over_amount = data.free_over
    method.min_order_amount = data.min_order
    method.max_order_amount = data.max_order
    method.pickup_address = (
        data.pickup_address.strip() if data.kind == ShippingMethodKind.PICKUP else ""
    )
    method.tax_class_id = tax_class_id
    method.is_active = data.is_active
    method.position = data.position


def _texts_set(method: ShippingMethod, translations: Translations) -> None:
    """Write each language's text; a language with no name keeps no translation."""
    for language, values in translations.items():
        if not (values.get("name") or "").strip():
            if method.has_translation(language):
                method.delete_translation(language)
            continue
        method.set_current_language(language)
        for name in METHOD_TEXT_FIELDS:
            setattr(method, name, (values.get(name) or "").strip())
        method.save_translations()


def _tiers_replace(method: ShippingMethod, tiers: Sequence[TierInput]) -> None:
    method.rates.all().delete()
    ShippingRate.objects.bulk_create(
        [ShippingRate(method=method, up_to=t.up_to, price_amount=t.price) for t in tiers]
    )


def shipping_method_create(
    *, zone_id: int, data: MethodInput, currency: str | None = None
) -> ShippingMethod:
    """Add a method to a zone with its texts and tiers, priced in the shop's currency
    (or `currency`)."""
    tax_class_id, tiers = _clean_method(data)
    currency = (currency or shop_settings_get().currency).upper()
    with transaction.atomic():
        if not ShippingZone.objects.filter(pk=zone_id).exists():
            raise NotFound(_("That shipping zone no longer exists."))
        method = ShippingMethod(zone_id=zone_id)
        _method_apply(method, data, tax_class_id, currency)
        first_language, first = next(
            (lang, t) for lang, t in data.translations.items() if (t.get("name") or "").strip()
        )
        method.set_current_language(first_language)
        method.name = first["name"].strip()
        method.save()
        _texts_set(method, data.translations)
        _tiers_replace(method, tiers)
    return method


def shipping_method_update(
    *, method_id: int, data: MethodInput, currency: str | None = None
) -> ShippingMethod:
    """Replace a method's settings, texts and tiers at once. Its amounts are taken to be in
    the shop's current currency (as the editor shows them)."""
    tax_class_id, tiers = _clean_method(data)
    currency = (currency or shop_settings_get().currency).upper()
    with transaction.atomic():
        method = ShippingMethod.objects.select_for_update().filter(pk=method_id).first()
        if method is None:
            raise NotFound(_("That shipping method no longer exists."))
        _method_apply(method, data, tax_class_id, currency)
        method.save()
        _texts_set(method, data.translations)
        _tiers_replace(method, tiers)
    return method


def shipping_method_delete(*, method_id: int) -> None:
    deleted, _rows = ShippingMethod.objects.filter(pk=method_id).delete()
    if not deleted:
        raise NotFound(_("That shipping method no longer exists."))


# ---------------------------------------------------------------- carriers


def _clean_carrier(name: str, code: str, template: str) -> tuple[str, str, str]:
    name, code, template = name.strip(), code.strip().lower(), template.strip()
    if not name:
        raise InvalidInput(_("A carrier needs a name."))
    if not code:
        raise InvalidInput(_("A carrier needs a code."))
    if "{number}" not in template:
        raise InvalidTrackingTemplate(
            _("Put {number} in the tracking link where the tracking number goes.")
        )
    try:
        URLValidator(schemes=["http", "https"])(template.replace("{number}", "1Z999"))
    except ValidationError as exc:
        raise InvalidTrackingTemplate(
            _("The tracking link must be a full http:// or https:// address.")
        ) from exc
    return name, code, template


def _carrier_save(carrier: Carrier) -> Carrier:
    taken = Carrier.objects.filter(code=carrier.code).exclude(pk=carrier.pk)
    message = _("The code “%(code)s” is used by another carrier.") % {"code": carrier.code}
    if taken.exists():
        raise CarrierCodeTaken(message)
    try:
        with transaction.atomic():
            carrier.save()
    except IntegrityError as exc:  # a concurrent save took the code first
        raise CarrierCodeTaken(message) from exc
    return carrier


def carrier_create(
    *, name: str, code: str, tracking_url_template: str, position: int = 0
) -> Carrier:
    """Add a carrier; its tracking link has {number} where the tracking number goes."""
    name, code, template = _clean_carrier(name, code, tracking_url_template)
    return _carrier_save(
        Carrier(name=name, code=code, tracking_url_template=template, position=position)
    )


def carrier_update(
    *, carrier_id: int, name: str, code: str, tracking_url_template: str, position: int = 0
) -> Carrier:
    name, code, template = _clean_carrier(name, code, tracking_url_template)
    carrier = Carrier.objects.filter(pk=carrier_id).first()
    if carrier is None:
        raise NotFound(_("That carrier no longer exists."))
    carrier.name, carrier.code, carrier.tracking_url_template = name, code, template
    carrier.position = position
    return _carrier_save(carrier)


def carrier_delete(*, carrier_id: int) -> None:
    deleted, _rows = Carrier.objects.filter(pk=carrier_id).delete()
    if not deleted:
        raise NotFound(_("That carrier no longer exists."))


# ---------------------------------------------------------------- starting setup

CARRIERS: tuple[tuple[str, str, str], ...] = (
    ("ups", "UPS", "https://www.ups.com/track?tracknum={number}"),
    ("fedex", "FedEx", "https://www.fedex.com/fedextrack/?trknbr={number}"),
    (
        "dhl",
        "DHL Express",
        "https://www.dhl.com/global-en/home/tracking/tracking-express.html?submit=1&tracking-id={number}",
    ),
    ("usps", "USPS", "https://tools.usps.com/go/TrackConfirmAction?tLabels={number}"),
    (
        "royal-mail",
        "Royal Mail",
        "https://www.royalmail.com/track-your-item#/tracking-results/{number}",
    ),
    (
        "sf-express",
        "SF Express 顺丰速运",
        "https://www.sf-express.com/chn/sc/waybill/waybill-detail/{number}",
    ),
    (
        "china-post",
        "China Post 中国邮政 (EMS)",
        "https://www.ems.com.cn/queryList?mailNum={number}",
    ),
)

# Example prices are written for currencies like USD/EUR/GBP and scaled for others.
_SCALE = {"JPY": 150, "KRW": 1300, "CNY": 7, "HKD": 8, "TWD": 30, "INR": 80, "SEK": 10}
_INTERNATIONAL = ("CN", "US", "GB", "DE", "FR", "JP", "CA", "AU")


def _t(en: str, zh: str, **more: tuple[str, str]) -> dict[str, dict[str, str]]:
    texts: dict[str, dict[str, str]] = {"en": {"name": en}, "zh-hans": {"name": zh}}
    for name, (en_text, zh_text) in more.items():
        texts["en"][name] = en_text
        texts["zh-hans"][name] = zh_text
    return texts


def _default_methods(currency: str, pickup_address: str) -> list[MethodInput]:
    k = Decimal(_SCALE.get(currency, 1))
    free_from = Money(50 * k, currency).format("en")
    free_from_zh = Money(50 * k, currency).format("zh-hans")
    return [
        MethodInput(
            translations=_t(
                "Standard",
                "标准配送",
                delivery_estimate=("3–5 business days", "3–5 个工作日"),
            ),
            price=5 * k,
            position=0,
        ),
        MethodInput(
            translations=_t(
                "Express", "特快配送", delivery_estimate=("1–2 business days", "1–2 个工作日")
            ),
            price=15 * k,
            position=1,
        ),
        MethodInput(
            translations=_t(
                f"Free shipping over {free_from}",
                f"满 {free_from_zh} 包邮",
                delivery_estimate=("3–5 business days", "3–5 个工作日"),
            ),
            price=Decimal(0),
            min_order=50 * k,
            position=2,
        ),
        MethodInput(
            translations=_t(
                "Local pickup",
                "到店自提",
                description=("Collect your order from our shop.", "到店领取您的订单。"),
                delivery_estimate=("Ready in 1 business day", "1 个工作日内可取"),
            ),
            kind=ShippingMethodKind.PICKUP,
            price=Decimal(0),
            pickup_address=pickup_address or "—",
            is_active=bool(pickup_address),
            position=3,
        ),
    ]


def _international_method(currency: str) -> MethodInput:
    k = Decimal(_SCALE.get(currency, 1))
    tiers = [(500, 15), (1000, 20), (2000, 30), (5000, 50), (10000, 80)]
    return MethodInput(
        translations=_t(
            "International",
            "国际快递",
            delivery_estimate=("7–14 business days", "7–14 个工作日"),
        ),
        kind=ShippingMethodKind.WEIGHT,
        tiers=[TierInput(up_to=Decimal(g), price=p * k) for g, p in tiers],
    )


def shipping_defaults_ensure(*, country: str, currency: str, pickup_address: str = "") -> bool:
    """When the shop has no shipping zones, create a starting setup: a domestic zone with
    Standard, Express, free-over and local-pickup methods (pickup is switched off until it
    has an address), and a "Rest of world" zone for common countries with a weight-based
    method. Common carriers are added when there are none. Returns whether zones were made."""
    country, currency = country.upper(), currency.upper()
    made = False
    with transaction.atomic():
        if not Carrier.objects.exists():
            for position, (code, name, template) in enumerate(CARRIERS):
                carrier_create(
                    name=name, code=code, tracking_url_template=template, position=position
                )
        if not ShippingZone.objects.exists():
            home = shipping_zone_create(
                name=_("Domestic (%(country)s)") % {"country": country_name(country, "en")},
                countries=[country],
            )
            for data in _default_methods(currency, pickup_address):
                shipping_method_create(zone_id=home.pk, data=data, currency=currency)
            world = shipping_zone_create(
                name=_("Rest of world"),
                countries=[c for c in _INTERNATIONAL if c != country],
                position=1,
            )
            shipping_method_create(
                zone_id=world.pk, data=_international_method(currency), currency=currency
            )
            made = True
    return made
