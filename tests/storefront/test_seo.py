"""Search-engine and social metadata: JSON-LD, canonical and hreflang, sitemap, robots."""

from __future__ import annotations

import json
import re
from decimal import Decimal

import pytest

from duli.catalog.models import ProductStatus
from duli.storefront.video import video_embed_url
from duli.testing.factories import ProductFactory, VariantFactory

pytestmark = pytest.mark.django_db

LD = re.compile(r'<script type="application/ld\+json" nonce="[^"]+">(.*?)</script>', re.S)


def _json_ld(html: str) -> dict[str, dict]:
    return {doc["@type"]: doc for doc in (json.loads(m) for m in LD.findall(html))}


def test_product_json_ld_has_offer_price_currency_and_availability(client, shop):
    product = ProductFactory(name="Longjing", variants=0)
    VariantFactory(product=product, price_amount=Decimal("12.5"), sku="LJ-1", stock=0)

    docs = _json_ld(client.get(product.get_absolute_url()).content.decode())

    offer = docs["Product"]["offers"][0]
    assert docs["Product"]["name"] == "Longjing"
    assert offer["price"] == "12.50"
    assert offer["priceCurrency"] == "USD"
    assert offer["availability"] == "https://schema.org/OutOfStock"
    assert [i["name"] for i in docs["BreadcrumbList"]["itemListElement"]][-1] == "Longjing"


def test_json_ld_cannot_be_broken_out_of_by_product_text(client, shop):
    product = ProductFactory(name="</script><script>alert(1)</script>")

    html = client.get(product.get_absolute_url()).content.decode()

    assert "<script>alert(1)" not in html
    assert _json_ld(html)["Product"]["name"] == "</script><script>alert(1)</script>"


def test_home_has_organization_json_ld(client, shop):
    docs = _json_ld(client.get("/").content.decode())

    assert docs["Organization"]["name"] == "Tea House"


def test_product_page_has_title_description_canonical_og_and_hreflang(client, shop):
    product = ProductFactory(name="Silver needle", description="<p>Downy <b>white</b> buds.</p>")

    html = client.get(product.get_absolute_url() + "?utm_source=x").content.decode()

    assert "<title>Silver needle · Tea House</title>" in html
    assert '<meta name="description" content="Downy white buds.">' in html
    assert f'<link rel="canonical" href="http://testserver{product.get_absolute_url()}">' in html
    assert '<meta property="og:type" content="product">' in html
    assert '<meta name="twitter:card"' in html
    assert f'hreflang="zh-hans" href="http://testserver/zh-hans/products/{product.slug}/' in html
    assert f'hreflang="x-default" href="http://testserver/products/{product.slug}/' in html


def test_seo_title_and_description_override_the_name(client, shop):
    product = ProductFactory(name="Tea")
    product.set_current_language("en")
    product.seo_title = "Best tea in town"
    product.seo_description = "Hand picked."
    product.save()

    html = client.get(product.get_absolute_url()).content.decode()

    assert "<title>Best tea in town · Tea House</title>" in html
    assert '<meta name="description" content="Hand picked.">' in html


def test_sitemap_lists_visible_products_in_both_languages_only(client, shop):
    visible = ProductFactory()
    draft = ProductFactory(status=ProductStatus.DRAFT)

    xml = client.get("/sitemap.xml").content.decode()

    assert f"http://testserver/products/{visible.slug}/" in xml
    assert f"http://testserver/zh-hans/products/{visible.slug}/" in xml
    assert visible.category.get_absolute_url() in xml
    assert "/policies/shipping/" in xml
    assert draft.slug not in xml


def test_robots_txt_blocks_dashboard_and_search_and_names_the_sitemap(client, shop):
    response = client.get("/robots.txt")

    body = response.content.decode()
    assert response["Content-Type"].startswith("text/plain")
    assert "Disallow: /dashboard/" in body
    assert "Disallow: /search" in body
    assert "Sitemap: http://testserver/sitemap.xml" in body


@pytest.mark.parametrize(
    ("url", "embed"),
    [
        (
            "https://www.youtube.com/watch?v=dQw4w9WgXcQ",
            "https://www.youtube-nocookie.com/embed/dQw4w9WgXcQ?rel=0",
        ),
        (
            "https://youtu.be/dQw4w9WgXcQ",
            "https://www.youtube-nocookie.com/embed/dQw4w9WgXcQ?rel=0",
        ),
        ("https://vimeo.com/76979871", "https://player.vimeo.com/video/76979871?dnt=1"),
        ("https://evil.example/watch?v=dQw4w9WgXcQ", ""),
        ("javascript:alert(1)", ""),
    ],
)
def test_video_links_become_privacy_friendly_embeds_or_nothing(url, embed):
    assert video_embed_url(url) == embed
