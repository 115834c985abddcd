"""Product listings with filters, facets, sorting and paging: category, collection and
search pages all go through `listing_build`, which calls the catalogue's search.

Query parameters (all optional, all GET so listings stay cacheable and shareable):
`q`, `category` (slug, search page only), `price_min`, `price_max`, `in_stock=1`,
`brand` and `tag` (repeatable slugs), `opt_<code>` (repeatable value codes, e.g.
`opt_size=m&opt_color=blue`), `sort`, `page`.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.http import QueryDict
from django.utils.translation import gettext_lazy as _

from duli.catalog.models import Category
from duli.catalog.search import catalog_search
from duli.catalog.selectors import brand_names, option_swatches, products_for_cards, tag_names
from duli.core.money import Money
from duli.storefront.presenters import ProductCard, as_decimal, money_text, product_cards

PER_PAGE = 24
SORTS: list[tuple[str, Any]] = [
    ("relevance", _("Featured")),
    ("newest", _("Newest")),
    ("price_asc", _("Price: low to high")),
    ("price_desc", _("Price: high to low")),
    ("best_selling", _("Best selling")),
]
SEARCH_SORT_LABEL = _("Relevance")
OPTION_TITLES: dict[str, Any] = {
    "size": _("Size"),
    "color": _("Colour"),
    "colour": _("Colour"),
    "material": _("Material"),
    "style": _("Style"),
}


@dataclass(frozen=True, slots=True)
class Filters:
    """What the shopper asked for, parsed and validated from the query string."""

    query: str = ""
    category_slug: str = ""
    price_min: Decimal | None = None
    price_max: Decimal | None = None
    in_stock: bool = False
    brands: tuple[str, ...] = ()
    tags: tuple[str, ...] = ()
    options: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    sort: str = "relevance"
    page: int = 1

    @property
    def active(self) -> bool:
        return bool(
            self.category_slug
            or self.price_min is not None
            or self.price_max is not None
            or self.in_stock
            or self.brands
            or self.tags
            or any(self.options.values())
        )


def filters_parse(params: QueryDict) -> Filters:
    def clean(values: Sequence[str]) -> tuple[str, ...]:
        return tuple(dict.fromkeys(v.strip()[:80] for v in values if v.strip()))[:20]

    options = {
        key.removeprefix("opt_")[:40]: clean(params.getlist(key))
        for key in params
        if key.startswith("opt_") and len(key) > 4
    }
    try:
        page = max(1, min(int(params.get("page", "1")), 10_000))
    except ValueError:
        page = 1
    sort = params.get("sort", "relevance")
    return Filters(
        query=params.get("q", "").strip()[:200],
        category_slug=params.get("category", "").strip()[:140],
        price_min=as_decimal(params.get("price_min")),
        price_max=as_decimal(params.get("price_max")),
        in_stock=params.get("in_stock") in ("1", "on", "true"),
        brands=clean(params.getlist("brand")),
        tags=clean(params.getlist("tag")),
        options={k: v for k, v in options.items() if v},
        sort=sort if sort in dict(SORTS) else "relevance",
        page=page,
    )


@dataclass(frozen=True, slots=True)
class FacetValue:
    value: str  # what goes in the query string
    label: str
    count: int
    selected: bool
    swatch: str = ""  # "#2b4c7e" for colour chips
    url: str = ""  # for link facets (categories)


@dataclass(frozen=True, slots=True)
class FacetGroup:
    param: str  # "brand", "tag", "opt_size", "category"
    title: str
    values: list[FacetValue]
    kind: str = "checkbox"  # checkbox | radio | swatch | link

    @property
    def swatches(self) -> list[str]:
        return [v.swatch for v in self.values if v.swatch]


@dataclass(frozen=True, slots=True)
class ActiveFilter:
    label: str
    remove_query: str  # the query string without this filter


@dataclass
class Listing:
    cards: list[ProductCard]
    total: int
    page: int
    pages: int
    groups: list[FacetGroup]
    active_filters: list[ActiveFilter]
    filters: Filters
    in_stock_count: int
    price_floor: str
    price_ceiling: str
    sorts: list[tuple[str, Any]]
    counts_exact: bool = True  # False past the search's facet limit: counts are then hidden

    @property
    def page_range(self) -> list[int | None]:
        """Page numbers to link, with None where a gap is shown (1 … 4 5 6 … 12)."""
        show = {1, self.pages, self.page - 1, self.page, self.page + 1}
        result: list[int | None] = []
        for n in range(1, self.pages + 1):
            if n in show:
                result.append(n)
            elif result and result[-1] is not None:
                result.append(None)
        return result


def _facet(facets: Any, name: str, default: Any) -> Any:
    if isinstance(facets, Mapping):
        return facets.get(name, default)
    return getattr(facets, name, default)


def _without(params: QueryDict, key: str, value: str | None = None) -> str:
    q = params.copy()
    q.pop("page", None)
    if value is None:
        q.pop(key, None)
    else:
        q.setlist(key, [v for v in q.getlist(key) if v != value])
    return q.urlencode()


def _category_group(
    categories: Sequence[Category],
    current: Category | None,
    counts: Mapping[int, int],
    filters: Filters,
) -> FacetGroup | None:
    # The search counts a product under its category and every ancestor.
    totals = counts
    if current is not None:  # a category page: its children, as links
        children = [c for c in categories if c.parent_id == current.pk]
        values = [
            FacetValue(
                value=c.slug,
                label=str(c),
                count=totals.get(c.pk, 0),
                selected=False,
                url=c.get_absolute_url(),
            )
            for c in children
            if totals.get(c.pk, 0)
        ]
        return FacetGroup("category", str(_("Category")), values, "link") if values else None
    roots = [c for c in categories if c.depth == 0]
    values = [
        FacetValue(
            value=c.slug,
            label=str(c),
            count=totals.get(c.pk, 0),
            selected=c.slug == filters.category_slug,
        )
        for c in roots
        if totals.get(c.pk, 0) or c.slug == filters.category_slug
    ]
    return FacetGroup("category", str(_("Category")), values, "radio") if values else None


def listing_build(
    *,
    params: QueryDict,
    language: str,
    currency: str,
    categories: Sequence[Category],
    category: Category | None = None,
    collection_id: int | None = None,
) -> Listing:
    """Run the search for a listing page and shape its facets for the filter panel."""
    filters = filters_parse(params)
    category_id = category.pk if category is not None else None
    if category is None and filters.category_slug:
        chosen = next((c for c in categories if c.slug == filters.category_slug), None)
        category_id = chosen.pk if chosen else None
    result = catalog_search(
        query=filters.query,
        language=language,
        category_id=category_id,
        collection_id=collection_id,
        price_min=filters.price_min,
        price_max=filters.price_max,
        in_stock=filters.in_stock,
        option_values={k: list(v) for k, v in filters.options.items()},
        tags=filters.tags,
        brands=filters.brands,
        sort=filters.sort,
        page=filters.page,
        per_page=PER_PAGE,
    )
    cards = product_cards(products_for_cards(product_ids=list(result.product_ids)))
    facets = result.facets
    groups: list[FacetGroup] = []
    active: list[ActiveFilter] = []

    category_counts = dict(_facet(facets, "categories", {}) or {})
    group = _category_group(categories, category, category_counts, filters)
    if group:
        groups.append(group)
    if category is None and filters.category_slug:
        chosen_name = next((str(c) for c in categories if c.slug == filters.category_slug), "")
        if chosen_name:
            active.append(ActiveFilter(chosen_name, _without(params, "category")))

    option_facets: Mapping[str, Sequence[Sequence[Any]]] = _facet(facets, "options", {}) or {}
    option_names: Mapping[str, str] = _facet(facets, "option_names", {}) or {}
    for code, values in option_facets.items():
        chosen_values = filters.options.get(code, ())
        swatches = option_swatches(option_code=code, value_codes=[v[0] for v in values])
        items = [
            FacetValue(
                value=str(v[0]),
                label=str(v[1]),
                count=int(v[2]),
                selected=v[0] in chosen_values,
                swatch=swatches.get(str(v[0]), ""),
            )
            for v in values
        ]
        if not items:
            continue
        title = str(
            option_names.get(code)
            or OPTION_TITLES.get(code, code.replace("-", " ").replace("_", " ").title())
        )
        kind = "swatch" if swatches else "checkbox"
        groups.append(FacetGroup(f"opt_{code}", title, items, kind))
        for item in items:
            if item.selected:
                active.append(
                    ActiveFilter(
                        f"{title}: {item.label}", _without(params, f"opt_{code}", item.value)
                    )
                )

    for param, name, group_title, lookup in (
        ("brand", "brands", _("Brand"), brand_names),
        ("tag", "tags", _("Tag"), tag_names),
    ):
        counts: Mapping[str, int] = _facet(facets, name, {}) or {}
        chosen_slugs = filters.brands if param == "brand" else filters.tags
        names = lookup(slugs=[*counts.keys(), *chosen_slugs])
        items = [
            FacetValue(value=s, label=names.get(s, s), count=int(n), selected=s in chosen_slugs)
            for s, n in sorted(counts.items(), key=lambda kv: names.get(kv[0], kv[0]).lower())
        ]
        if items:
            groups.append(FacetGroup(param, str(group_title), items))
        for slug in chosen_slugs:
            active.append(ActiveFilter(names.get(slug, slug), _without(params, param, slug)))

    if filters.in_stock:
        active.append(ActiveFilter(str(_("In stock")), _without(params, "in_stock")))
    if filters.price_min is not None or filters.price_max is not None:
        low = (
            money_text(Money(filters.price_min, currency)) if filters.price_min is not None else ""
        )
        high = (
            money_text(Money(filters.price_max, currency)) if filters.price_max is not None else ""
        )
        q = params.copy()
        for key in ("price_min", "price_max", "page"):
            q.pop(key, None)
        active.append(ActiveFilter(f"{low} – {high}".strip(" –"), q.urlencode()))

    floor = _facet(facets, "price_min", None)
    ceiling = _facet(facets, "price_max", None)
    return Listing(
        cards=cards,
        total=int(result.total),
        page=int(result.page),
        pages=max(1, int(result.pages)),
        groups=groups,
        active_filters=active,
        filters=filters,
        in_stock_count=int(_facet(facets, "in_stock", 0) or 0),
        price_floor=f"{Decimal(floor):.0f}" if floor is not None else "",
        price_ceiling=f"{Decimal(ceiling):.0f}" if ceiling is not None else "",
        sorts=SORTS,
        counts_exact=not bool(_facet(facets, "approximate", False)),
    )
