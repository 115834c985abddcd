"""Writes to the tax settings. Every write bumps the page-cache version, since a page may
show prices worked out with these rates."""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal, InvalidOperation

from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from duli.core.errors import InvalidInput, NotFound
from duli.core.services import catalog_version_bump
from duli.tax.errors import (
    DefaultTaxClassRequired,
    InvalidTaxRate,
    RateExists,
    TaxClassCodeTaken,
    UnknownCountry,
    UnknownRegion,
)
from duli.tax.geo import is_country, is_region
from duli.tax.models import TaxClass, TaxRate

DEFAULT_CLASSES: tuple[tuple[str, dict[str, str]], ...] = (
    ("standard", {"en": "Standard rate", "zh-hans": "标准税率"}),
    ("reduced", {"en": "Reduced rate", "zh-hans": "优惠税率"}),
    ("zero", {"en": "Zero rate", "zh-hans": "零税率"}),
)

# (class code, country, region, rate %) — a starting point for the demo and new shops.
EXAMPLE_RATES: tuple[tuple[str, str, str, str], ...] = (
    ("standard", "GB", "", "20"),
    ("reduced", "GB", "", "5"),
    ("zero", "GB", "", "0"),
    ("standard", "DE", "", "19"),
    ("reduced", "DE", "", "7"),
    ("standard", "FR", "", "20"),
    ("reduced", "FR", "", "5.5"),
    ("standard", "CN", "", "13"),
    ("reduced", "CN", "", "9"),
    ("standard", "JP", "", "10"),
    ("reduced", "JP", "", "8"),
    ("standard", "US", "US-CA", "7.25"),
    ("standard", "US", "US-NY", "4"),
)


def _names_set(tax_class: TaxClass, names: Mapping[str, str]) -> None:
    for language, name in names.items():
        if name and name.strip():
            tax_class.set_current_language(language)
            tax_class.name = name.strip()
            tax_class.save_translations()


def _check_code(code: str, *, exclude_pk: int | None = None) -> None:
    taken = TaxClass.objects.filter(code=code)
    if exclude_pk:
        taken = taken.exclude(pk=exclude_pk)
    if taken.exists():
        raise TaxClassCodeTaken(
            _("The code “%(code)s” is used by another tax class.") % {"code": code}
        )


def tax_class_create(
    *, code: str, names: Mapping[str, str], position: int = 0, is_default: bool = False
) -> TaxClass:
    """Add a tax class. Made the default, it takes over from the current default."""
    code = code.strip()
    if not code:
        raise InvalidInput(_("A tax class needs a code."))
    if not any((n or "").strip() for n in names.values()):
        raise InvalidInput(_("A tax class needs a name."))
    _check_code(code)
    with transaction.atomic():
        if is_default:
            TaxClass.objects.filter(is_default=True).update(is_default=False)
        tax_class = TaxClass(code=code, position=position, is_default=is_default)
        first = next((lang, n) for lang, n in names.items() if (n or "").strip())
        tax_class.set_current_language(first[0])
        tax_class.name = first[1].strip()
        try:
            with transaction.atomic():
                tax_class.save()
        except IntegrityError as exc:  # a concurrent create took the code first
            raise TaxClassCodeTaken(
                _("The code “%(code)s” is used by another tax class.") % {"code": code}
            ) from exc
        _names_set(tax_class, names)
        catalog_version_bump()
    return tax_class


def tax_class_update(
    *,
    tax_class_id: int,
    names: Mapping[str, str] | None = None,
    code: str | None = None,
    position: int | None = None,
    is_default: bool | None = None,
) -> TaxClass:
    """Rename, re-code, re-order a class or make it the default (the old default stops
    being one). Un-defaulting the default is refused: make another class the default."""
    with transaction.atomic():
        tax_class = TaxClass.objects.select_for_update().filter(pk=tax_class_id).first()
        if tax_class is None:
            raise NotFound(_("That tax class no longer exists."))
        if code is not None and code.strip() and code.strip() != tax_class.code:
            _check_code(code.strip(), exclude_pk=tax_class.pk)
            tax_class.code = code.strip()
        if position is not None:
            tax_class.position = position
        if is_default is False and tax_class.is_default:
            raise DefaultTaxClassRequired(
                _("One class must be the default: make another class the default instead.")
            )
        if is_default and not tax_class.is_default:
            TaxClass.objects.filter(is_default=True).update(is_default=False)
            tax_class.is_default = True
        tax_class.save()
        if names:
            _names_set(tax_class, names)
        catalog_version_bump()
    return tax_class


def tax_class_delete(*, tax_class_id: int) -> None:
    """Delete a class and its rates; products and shipping methods in it fall back to the
    default class. The default class itself cannot be deleted."""
    with transaction.atomic():
        tax_class = TaxClass.objects.select_for_update().filter(pk=tax_class_id).first()
        if tax_class is None:
            raise NotFound(_("That tax class no longer exists."))
        if tax_class.is_default:
            raise DefaultTaxClassRequired(
                _("The default tax class cannot be deleted. Make another class the default first.")
            )
        tax_class.delete()
        catalog_version_bump()


def _clean_rate(rate: Decimal | str | int) -> Decimal:
    try:
        value = Decimal(str(rate).strip())
    except InvalidOperation as exc:
        raise InvalidTaxRate(_("Enter the rate as a number, e.g. 20 or 5.5.")) from exc
    if not value.is_finite() or value < 0 or value > 100:
        raise InvalidTaxRate(_("A tax rate is a percentage from 0 to 100."))
    if value != value.quantize(Decimal("0.001")):
        raise InvalidTaxRate(_("Use at most three decimal places (e.g. 7.25)."))
    return value.quantize(Decimal("0.001"))


def _clean_place(country: str, region: str) -> tuple[str, str]:
    country = country.strip().upper()
    region = region.strip().upper()
    if not is_country(country):
        raise UnknownCountry(_("“%(code)s” is not a country code.") % {"code": country})
    if region and not is_region(region, country):
        raise UnknownRegion(
            _("“%(region)s” is not a region of %(country)s.")
            % {"region": region, "country": country}
        )
    return country, region


def tax_rate_set(
    *, tax_class_code: str, country: str, region: str = "", rate: Decimal | str | int
) -> TaxRate:
    """Set the rate (a percentage) of a class in a country or one of its regions,
    replacing any rate already there."""
    value = _clean_rate(rate)
    country, region = _clean_place(country, region)
    with transaction.atomic():
        tax_class = TaxClass.objects.filter(code=tax_class_code).first()
        if tax_class is None:
            raise NotFound(_("There is no tax class “%(code)s”.") % {"code": tax_class_code})
        tax_rate, _created = TaxRate.objects.update_or_create(
            tax_class=tax_class, country=country, region=region, defaults={"rate": value}
        )
        catalog_version_bump()
    return tax_rate


def tax_rate_update(
    *,
    tax_rate_id: int,
    tax_class_code: str,
    country: str,
    region: str = "",
    rate: Decimal | str | int,
) -> TaxRate:
    """Change one rate row: its class, place or percentage. Moving it onto a class and
    place that already has a rate is refused (edit that rate instead)."""
    value = _clean_rate(rate)
    country, region = _clean_place(country, region)
    with transaction.atomic():
        tax_rate = TaxRate.objects.select_for_update().filter(pk=tax_rate_id).first()
        if tax_rate is None:
            raise NotFound(_("That tax rate no longer exists."))
        tax_class = TaxClass.objects.filter(code=tax_class_code).first()
        if tax_class is None:
            raise NotFound(_("There is no tax class “%(code)s”.") % {"code": tax_class_code})
        clash = TaxRate.objects.filter(tax_class=tax_class, country=country, region=region)
        if clash.exclude(pk=tax_rate.pk).exists():
            raise RateExists(
                _("%(place)s already has a rate for this class: edit that one instead.")
                % {"place": region or country}
            )
        tax_rate.tax_class, tax_rate.country, tax_rate.region = tax_class, country, region
        tax_rate.rate = value
        tax_rate.save()
        catalog_version_bump()
    return tax_rate


def tax_rate_delete(*, tax_rate_id: int) -> None:
    """Remove one rate: that class is then untaxed there (or taxed at the country rate, for
    a region)."""
    with transaction.atomic():
        deleted, _rows = TaxRate.objects.filter(pk=tax_rate_id).delete()
        if not deleted:
            raise NotFound(_("That tax rate no longer exists."))
        catalog_version_bump()


def tax_defaults_ensure() -> list[TaxClass]:
    """Make sure the standard, reduced and zero classes exist and one class is the default.
    Safe to run any number of times; a merchant's own classes and names are left alone."""
    with transaction.atomic():
        for position, (code, names) in enumerate(DEFAULT_CLASSES):
            if not TaxClass.objects.filter(code=code).exists():
                tax_class = TaxClass(code=code, position=position)
                tax_class.set_current_language("en")
                tax_class.name = names["en"]
                tax_class.save()
                _names_set(tax_class, names)
        if not TaxClass.objects.filter(is_default=True).exists():
            first = TaxClass.objects.filter(code="standard").first() or TaxClass.objects.first()
            assert first is not None
            TaxClass.objects.filter(pk=first.pk).update(is_default=True)
    return list(TaxClass.objects.order_by("position", "id"))


def tax_rates_examples_ensure() -> int:
    """When the shop has no tax rates at all, add common ones (GB 20/5/0 %, DE 19/7, FR 20/5.5,
    CN 13/9, JP 10/8, US-CA 7.25, US-NY 4) as a starting point. Returns how many were added."""
    tax_defaults_ensure()
    with transaction.atomic():
        if TaxRate.objects.exists():
            return 0
        classes = {c.code: c for c in TaxClass.objects.all()}
        made = TaxRate.objects.bulk_create(
            [
                TaxRate(tax_class=classes[code], country=country, region=region, rate=Decimal(rate))
                for code, country, region, rate in EXAMPLE_RATES
                if code in classes
            ]
        )
        catalog_version_bump()
    return len(made)
