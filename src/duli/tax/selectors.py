"""Reads of the tax settings: the rates that apply at a destination, and lists for forms."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from types import MappingProxyType

from django.db.models import OuterRef, Subquery

from duli.tax.geo import country_name, region_name
from duli.tax.models import TaxClass, TaxRate


@dataclass(frozen=True, slots=True)
class TaxTable:
    """The tax rates of one destination, as fractions (20 % is Decimal("0.2"))."""

    country: str
    region: str
    default_class_code: str | None
    rates: Mapping[str, Decimal] = field(default_factory=dict, hash=False)

    def rate(self, tax_class_code: str | None) -> Decimal:
        """The fraction for a class (None: the default class); no rate there means 0."""
        code = tax_class_code or self.default_class_code
        if code is None:
            return Decimal(0)
        return self.rates.get(code, Decimal(0))


def tax_rates_for(*, country: str, region: str = "") -> TaxTable:
    """Every class's rate at a destination in one query. A row for the region
    ("US-CA") beats the country-wide row; a class with neither is untaxed there."""
    country = country.upper()
    region = region.upper()
    here = TaxRate.objects.filter(tax_class=OuterRef("pk"), country=country)
    rows = TaxClass.objects.annotate(
        country_rate=Subquery(here.filter(region="").values("rate")[:1]),
        region_rate=Subquery(here.filter(region=region).values("rate")[:1])
        if region
        else Subquery(here.none().values("rate")[:1]),
    ).values_list("code", "is_default", "country_rate", "region_rate")
    rates: dict[str, Decimal] = {}
    default_code = None
    for code, is_default, country_rate, region_rate in rows:
        if is_default:
            default_code = code
        percent = region_rate if region_rate is not None else country_rate
        if percent is not None:
            rates[code] = Decimal(percent) / 100
    return TaxTable(
        country=country,
        region=region,
        default_class_code=default_code,
        rates=MappingProxyType(rates),
    )


def tax_class_choices() -> list[tuple[str, str]]:
    """(code, name) of every tax class, default first then by position."""
    classes = TaxClass.objects.prefetch_related("translations").order_by(
        "-is_default", "position", "id"
    )
    return [(c.code, str(c)) for c in classes]


def tax_class_default_code() -> str | None:
    return TaxClass.objects.filter(is_default=True).values_list("code", flat=True).first()


def tax_classes_all() -> list[TaxClass]:
    """Every class with its names, for the dashboard (two queries)."""
    return list(TaxClass.objects.prefetch_related("translations").order_by("position", "id"))


@dataclass(frozen=True, slots=True)
class RateRow:
    id: int
    tax_class_id: int
    tax_class_code: str
    tax_class_name: str
    country: str
    region: str
    region_name: str
    percent: Decimal

    @property
    def percent_text(self) -> str:
        """20.000 -> "20", 5.500 -> "5.5"."""
        return format(self.percent.normalize(), "f")


@dataclass(frozen=True, slots=True)
class CountryRates:
    country: str
    name: str
    rows: list[RateRow]


def tax_rates_by_country(*, language: str | None = None) -> list[CountryRates]:
    """All rates grouped by country (sorted by country name), country-wide rows first;
    two queries."""
    groups: dict[str, list[RateRow]] = {}
    rates = (
        TaxRate.objects.select_related("tax_class")
        .prefetch_related("tax_class__translations")
        .order_by("country", "region", "tax_class__position", "tax_class_id")
    )
    for r in rates:
        groups.setdefault(r.country, []).append(
            RateRow(
                id=r.pk,
                tax_class_id=r.tax_class_id,
                tax_class_code=r.tax_class.code,
                tax_class_name=str(r.tax_class),
                country=r.country,
                region=r.region,
                region_name=region_name(r.region, language) if r.region else "",
                percent=r.rate,
            )
        )
    out = [
        CountryRates(country=c, name=country_name(c, language), rows=rows)
        for c, rows in groups.items()
    ]
    return sorted(out, key=lambda g: g.name.casefold())
