"""Each storefront page renders what a shopper needs, and unknown or hidden things 404."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from duli.catalog.models import Product, ProductStatus
from duli.catalog.search import search_reindex_all
from duli.catalog.services import (
    OptionInput,
    VariantInput,
    collection_products_set,
    collection_save,
    product_options_set,
    product_specs_set,
    variant_save,
)
from duli.testing.factories import (
    BrandFactory,
    CategoryFactory,
    CollectionFactory,
    ProductFactory,
    VariantFactory,
)

pytestmark = pytest.mark.django_db


def test_home_shows_hero_featured_collection_and_categories(client, make_products):
    category = CategoryFactory(name="Green tea")
    products = make_products(2, category=category, name="Sencha")
    collection = collection_save(
        translations={"en": {"name": "Spring picks"}}, featured_on_home=True
    )
    collection_products_set(collection_id=collection.pk, product_ids=[p.pk for p in products])

    response = client.get("/")

    html = response.content.decode()
    assert response.status_code == 200
    assert "Fresh leaves, every week" in html
    assert "Spring picks" in html
    assert products[0].get_absolute_url() in html
    assert "Green tea" in html
    assert "$10.00" in html


def test_category_page_lists_products_of_its_subtree(client, make_products):
    parent = CategoryFactory(name="Tea")
    child = CategoryFactory(name="Oolong", parent=parent)
    make_products(1, category=child, name="Tieguanyin")
    make_products(1, category=CategoryFactory(name="Cups"), name="Gaiwan")

    response = client.get(parent.get_absolute_url())

    html = response.content.decode()
    assert response.status_code == 200
    assert "Tieguanyin" in html
    assert "Gaiwan" not in html
    assert child.get_absolute_url() in html  # the subtree filter links to the child


def test_collection_page_lists_its_products_only(client, make_products):
    inside, outside = make_products(2)
    collection = CollectionFactory(name="Gifts")
    collection_products_set(collection_id=collection.pk, product_ids=[inside.pk])

    html = client.get(collection.get_absolute_url()).content.decode()

    assert inside.get_absolute_url() in html
    assert outside.get_absolute_url() not in html


def test_search_page_finds_products_by_name(client, make_products):
    make_products(1, name="Jasmine pearls")
    make_products(1, name="Clay teapot")

    response = client.get("/search/", {"q": "jasmine"})

    html = response.content.decode()
    assert response.status_code == 200
    assert "Jasmine pearls" in html
    assert "Clay teapot" not in html
    assert '<meta name="robots" content="noindex, follow">' in html


def test_search_suggestions_are_an_html_fragment_of_matches(client, make_products):
    make_products(1, name="Jasmine pearls")

    response = client.get("/search/suggest/", {"q": "jasm"})

    html = response.content.decode()
    assert response.status_code == 200
    assert "Jasmine pearls" in html
    assert "<html" not in html


def test_listing_filters_by_price_brand_and_stock(client, make_products):
    category = CategoryFactory()
    brand = BrandFactory(name="Mountain Co")
    cheap, dear = make_products(2, category=category)
    Product.objects.filter(pk=dear.pk).update(brand=brand)  # keeps the price summary
    sold_out = ProductFactory(category=category, name="Gone", variants__stock=0)
    search_reindex_all()
    url = category.get_absolute_url()

    by_price = client.get(url, {"price_min": "10.50"}).content.decode()
    by_brand = client.get(url, {"brand": brand.slug}).content.decode()
    in_stock = client.get(url, {"in_stock": "1"}).content.decode()

    assert dear.get_absolute_url() in by_price and cheap.get_absolute_url() not in by_price
    assert dear.get_absolute_url() in by_brand and cheap.get_absolute_url() not in by_brand
    assert "Mountain Co" in by_brand  # the active filter chip names the brand
    assert sold_out.get_absolute_url() not in in_stock
    assert cheap.get_absolute_url() in in_stock


def test_listing_offers_option_facets_with_swatches(client, shop):
    category = CategoryFactory()
    product = ProductFactory(category=category, variants=0)
    (option,) = product_options_set(
        product_id=product.pk,
        options=[
            OptionInput(
                code="color",
                names={"en": "Colour"},
                values=[{"code": "blue", "en": "Blue", "swatch": "#2b4c7e"}],
            )
        ],
    )
    blue = option.values.get()
    variant_save(
        product_id=product.pk,
        data=VariantInput(sku="CUP-BLUE", price=Decimal(12), option_value_ids=[blue.pk]),
    )
    search_reindex_all()

    html = client.get(category.get_absolute_url()).content.decode()

    assert 'name="opt_color" value="blue"' in html
    assert "sw-2b4c7e" in html


def test_product_page_shows_price_compare_at_stock_specs_and_video(client, shop):
    product = ProductFactory(
        name="Da Hong Pao", variants=0, video_url="https://youtu.be/dQw4w9WgXcQ"
    )
    VariantFactory(
        product=product, price_amount=Decimal("18.00"), compare_at_amount=Decimal("24.00"), stock=3
    )
    product_specs_set(product_id=product.pk, specs=[{"en": {"name": "Origin", "value": "Wuyi"}}])

    response = client.get(product.get_absolute_url())

    html = response.content.decode()
    assert response.status_code == 200
    assert "$18.00" in html and "$24.00" in html
    assert "Only 3 left" in html
    assert "Wuyi" in html
    assert "https://www.youtube-nocookie.com/embed/dQw4w9WgXcQ" in html
    assert 'id="variant-data"' in html


def test_sold_out_product_shows_badge_on_card_and_disabled_button(client, make_products):
    category = CategoryFactory()
    product = ProductFactory(category=category, name="Rare puer", variants__stock=0)
    search_reindex_all()

    card_html = client.get(category.get_absolute_url()).content.decode()
    page_html = client.get(product.get_absolute_url()).content.decode()

    assert "badge--muted" in card_html and "Sold out" in card_html
    assert "stock--sold_out" in page_html
    assert "disabled>Sold out</button>" in " ".join(page_html.split())


def test_card_shows_from_price_when_variants_differ(client, make_products):
    category = CategoryFactory()
    product = ProductFactory(category=category, variants=0)
    VariantFactory(product=product, price_amount=Decimal("5.00"), stock=1)
    VariantFactory(product=product, price_amount=Decimal("9.00"), stock=1)
    from duli.catalog.services import product_summary_refresh

    product_summary_refresh(product_id=product.pk)
    search_reindex_all()

    html = client.get(category.get_absolute_url()).content.decode()

    assert "From $5.00" in html


@pytest.mark.parametrize("prefix", ["/products/", "/categories/", "/collections/"])
def test_unknown_slug_is_a_friendly_404(client, shop, prefix):
    response = client.get(f"{prefix}no-such-thing/")

    assert response.status_code == 404
    assert "We couldn’t find that page" in response.content.decode()


def test_draft_product_is_404(client, shop):
    product = ProductFactory(status=ProductStatus.DRAFT)

    assert client.get(product.get_absolute_url()).status_code == 404


def test_scheduled_product_is_404_until_its_time(client, shop):
    product = ProductFactory(publish_at=timezone.now() + timedelta(days=1))

    assert client.get(product.get_absolute_url()).status_code == 404


def test_policy_page_shows_the_merchants_text(client, shop):
    response = client.get("/policies/shipping/")

    assert response.status_code == 200
    assert "We ship within two days." in response.content.decode()


def test_unwritten_policy_is_404(client, shop):
    assert client.get("/policies/privacy/").status_code == 404


def test_footer_links_only_written_policies(client, shop):
    html = client.get("/").content.decode()

    assert "/policies/shipping/" in html
    assert "/policies/privacy/" not in html


def test_cart_count_endpoint_answers_zero_without_a_cart(client, shop):
    response = client.get("/cart/count/")

    assert response.json() == {"count": 0}
    assert "no-store" in response["Cache-Control"] or "max-age=0" in response["Cache-Control"]


def test_listing_hides_facet_counts_when_they_are_approximate(client, make_products, monkeypatch):
    from duli.catalog.search import selectors as search_selectors

    category = CategoryFactory()
    make_products(3, category=category)
    search_reindex_all()
    exact = client.get(category.get_absolute_url()).content.decode()
    monkeypatch.setattr(search_selectors, "FACET_LIMIT", 2)  # 3 matches: past the limit
    capped = client.get(category.get_absolute_url()).content.decode()

    assert 'class="facet__count"' in exact
    assert 'class="facet__count"' not in capped
