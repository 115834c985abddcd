"""The product page: gallery, variant picker, price, stock message, specs, video."""

from __future__ import annotations

from typing import Any

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _

from duli.catalog.models import Product, ProductVariant
from duli.catalog.selectors import category_ancestors, product_get_visible
from duli.core.money import Money
from duli.inventory.selectors import Availability, availability_labels_for_variants
from duli.storefront.cache import storefront_page
from duli.storefront.presenters import Picture, money_text, picture_for
from duli.storefront.seo import Crumb, breadcrumb_ld, plain_text
from duli.storefront.video import video_embed_url

LD_AVAILABILITY = {
    "sold_out": "https://schema.org/OutOfStock",
    "low": "https://schema.org/LimitedAvailability",
    "in_stock": "https://schema.org/InStock",
}


def stock_message(availability: Availability) -> str:
    if availability.status == "sold_out":
        return _("Sold out")
    if availability.status == "low":
        return _("Only %(count)s left") % {"count": availability.count}
    return _("In stock")


def _variant_data(
    variant: ProductVariant, availability: Availability, image_index: dict[int, int]
) -> dict[str, Any]:
    compare = variant.compare_at
    on_sale = compare is not None and compare > variant.price
    return {
        "id": variant.pk,
        "sku": variant.sku,
        "values": sorted(v.pk for v in variant.option_values.all()),
        "price": money_text(variant.price),
        "compare_at": money_text(compare) if on_sale else "",
        "status": availability.status,
        "message": stock_message(availability),
        "buyable": availability.is_buyable,
        "image": image_index.get(variant.image_id) if variant.image_id else None,
    }


def _options_data(product: Product, used_value_ids: set[int]) -> list[dict[str, Any]]:
    options = []
    for option in product.options.all():
        values = [
            {"id": v.pk, "code": v.code, "name": str(v), "swatch": v.swatch}
            for v in option.values.all()
            if v.pk in used_value_ids
        ]
        if values:
            options.append(
                {
                    "id": option.pk,
                    "code": option.code,
                    "name": str(option),
                    "values": values,
                    "swatches": [v["swatch"] for v in values if v["swatch"]],
                }
            )
    return options


def _chosen_variant(request: HttpRequest, variants: list[dict[str, Any]]) -> dict[str, Any] | None:
    wanted = request.GET.get("variant", "")
    for data in variants:
        if str(data["id"]) == wanted:
            return data
    return next((v for v in variants if v["buyable"]), variants[0] if variants else None)


def _product_ld(
    request: HttpRequest,
    product: Product,
    pictures: list[Picture],
    variants: list[ProductVariant],
    labels: dict[int, Availability],
    description: str,
) -> dict[str, Any]:
    url = request.build_absolute_uri(product.get_absolute_url())
    data: dict[str, Any] = {
        "@context": "https://schema.org",
        "@type": "Product",
        "name": str(product),
        "description": description,
        "url": url,
        "image": [request.build_absolute_uri(p.src) for p in pictures],
        "offers": [
            {
                "@type": "Offer",
                "url": f"{url}?variant={v.pk}" if len(variants) > 1 else url,
                "sku": v.sku,
                "price": str(Money(v.price_amount, v.currency).rounded().amount),
                "priceCurrency": v.currency,
                "availability": LD_AVAILABILITY[labels[v.pk].status],
                "itemCondition": "https://schema.org/NewCondition",
            }
            for v in variants
        ],
    }
    if len(variants) == 1:
        data["sku"] = variants[0].sku
    if product.brand_id and product.brand:
        data["brand"] = {"@type": "Brand", "name": product.brand.name}
    if product.model_number:
        data["model"] = product.model_number
    return data


@storefront_page
def product_detail(request: HttpRequest, slug: str) -> HttpResponse:
    product = product_get_visible(slug=slug)
    if product is None:
        raise Http404("no such product")
    name = str(product)
    images = list(product.images.all())
    pictures = [p for p in (picture_for(i, alt=name) for i in images) if p is not None]
    image_index = {image.pk: i for i, image in enumerate(images) if image.image}
    variants = list(product.variants.all())
    labels = availability_labels_for_variants(variant_ids=[v.pk for v in variants])
    variant_data = [_variant_data(v, labels[v.pk], image_index) for v in variants]
    used = {value_id for data in variant_data for value_id in data["values"]}
    options = _options_data(product, used)
    chosen = _chosen_variant(request, variant_data)

    crumbs = [Crumb(_("Home"), reverse("storefront:home"))]
    if product.category and product.category.is_active:
        crumbs += [
            Crumb(str(c), c.get_absolute_url())
            for c in category_ancestors(category=product.category)
        ]
        crumbs.append(Crumb(str(product.category), product.category.get_absolute_url()))
    crumbs.append(Crumb(name, ""))

    description_html = product.safe_translation_getter("description", any_language=True) or ""
    meta_description = product.safe_translation_getter("seo_description", any_language=True) or (
        plain_text(description_html)
    )
    return render(
        request,
        "storefront/product.html",
        {
            "product": product,
            "name": name,
            "pictures": pictures,
            "options": options,
            "variant_data": {"variants": variant_data, "options": options},
            "chosen": chosen,
            "chosen_values": set(chosen["values"]) if chosen else set(),
            "has_choice": len(variants) > 1 and bool(options),
            "description_html": description_html,
            "specs": list(product.specs.all()),
            "tags": list(product.tags.all()),
            "video_url": video_embed_url(product.video_url),
            "crumbs": crumbs,
            "breadcrumb_ld": breadcrumb_ld(request, crumbs),
            "product_ld": _product_ld(
                request, product, pictures, variants, labels, meta_description
            ),
            "page_title": product.safe_translation_getter("seo_title", any_language=True) or name,
            "meta_description": meta_description,
            "canonical_path": product.get_absolute_url(),
            "og_type": "product",
            "og_image": pictures[0].src if pictures else "",
        },
    )
