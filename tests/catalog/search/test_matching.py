"""What text finds which product, on whichever database the suite runs on."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.db import connection
from django.utils import timezone

from duli.catalog.models import ProductStatus
from duli.catalog.search import catalog_search, catalog_suggest
from duli.testing.factories import (
    BrandFactory,
    CategoryFactory,
    ProductFactory,
    TagFactory,
    VariantFactory,
)

pytestmark = pytest.mark.django_db


def found(query: str, language: str = "en") -> list[int]:
    return catalog_search(query=query, language=language).product_ids


def test_chinese_query_finds_chinese_product(reindex):
    dress = ProductFactory(name="Floral summer dress", zh_name="夏季碎花连衣裙")
    ProductFactory(name="Linen shirt", zh_name="亚麻衬衫")
    reindex()
    assert found("连衣裙", "zh-hans") == [dress.pk]


def test_two_character_chinese_query_matches(reindex):
    shirt = ProductFactory(name="Linen shirt", zh_name="男士亚麻衬衫长袖")
    ProductFactory(name="Floral summer dress", zh_name="夏季碎花连衣裙")
    reindex()
    assert found("衬衫", "zh-hans") == [shirt.pk]
    assert found("亚麻 长袖", "zh-hans") == [shirt.pk]


def test_single_chinese_character_matches_anywhere_in_a_word(reindex):
    dress = ProductFactory(name="Floral summer dress", zh_name="夏季碎花连衣裙")
    reindex()
    assert found("裙", "zh-hans") == [dress.pk]
    assert found("花", "zh-hans") == [dress.pk]


def test_chinese_characters_out_of_order_do_not_match(reindex):
    ProductFactory(name="Floral summer dress", zh_name="夏季碎花连衣裙")
    reindex()
    assert found("裙衣连", "zh-hans") == []


def test_chinese_query_works_on_the_english_site(reindex):
    dress = ProductFactory(name="Floral summer dress", zh_name="夏季碎花连衣裙")
    reindex()
    assert found("连衣裙", "en") == [dress.pk]


def test_english_prefix_matches(reindex):
    dress = ProductFactory(name="Floral summer dress")
    ProductFactory(name="Drill set")
    reindex()
    assert found("dre") == [dress.pk]
    assert found("flo sum") == [dress.pk]


def test_every_word_must_match(reindex):
    ProductFactory(name="Floral summer dress")
    reindex()
    assert found("floral winter") == []


def test_accent_insensitive(reindex):
    creme = ProductFactory(name="Crème brûlée torch")
    reindex()
    assert found("creme brulee") == [creme.pk]
    assert found("CRÈME") == [creme.pk]


def test_sku_matches(reindex):
    product = ProductFactory(name="Plain tee", variants=0)
    VariantFactory(product=product, sku="TEE-RED-XL")
    ProductFactory(name="Red edition tee")
    reindex()
    assert found("TEE-RED-XL") == [product.pk]
    assert found("tee-red-xl") == [product.pk]


def test_exact_sku_ranks_before_text_matches(reindex):
    text_match = ProductFactory(name="ABC 123 gadget")
    sku_match = ProductFactory(name="Widget", variants=0)
    VariantFactory(product=sku_match, sku="ABC-123")
    reindex()
    assert found("ABC-123") == [sku_match.pk, text_match.pk]


def test_tag_brand_category_names_match(reindex):
    outdoor = CategoryFactory(name="Outdoor", zh_name="户外")
    tents = CategoryFactory(name="Tents", parent=outdoor)
    tagged = ProductFactory(name="Mug", category=None)
    tagged.tags.add(TagFactory(name="Enamel"))
    branded = ProductFactory(name="Bottle", category=None, brand=BrandFactory(name="Hydroflux"))
    in_category = ProductFactory(name="Dome", category=tents)
    reindex()
    assert found("enamel") == [tagged.pk]
    assert found("hydroflux") == [branded.pk]
    assert found("tents") == [in_category.pk]
    assert found("outdoor") == [in_category.pk]  # an ancestor category's name
    assert found("户外", "zh-hans") == [in_category.pk]


def test_description_text_matches_without_its_html(reindex):
    product = ProductFactory(
        name="Lamp", description="<p>Hand-blown <strong>opaline</strong> glass</p>"
    )
    reindex()
    assert found("opaline") == [product.pk]
    assert found("strong") == []


def test_drafts_and_scheduled_products_are_not_found(reindex):
    ProductFactory(name="Secret draft kettle", status=ProductStatus.DRAFT)
    ProductFactory(name="Future kettle", publish_at=timezone.now() + timedelta(days=1))
    ProductFactory(name="Archived kettle", status=ProductStatus.ARCHIVED)
    live = ProductFactory(name="Live kettle", publish_at=timezone.now() - timedelta(days=1))
    reindex()
    assert found("kettle") == [live.pk]
    assert catalog_search(language="en").product_ids == [live.pk]


def test_punctuation_only_query_finds_nothing(reindex):
    ProductFactory(name="Kettle")
    reindex()
    assert catalog_search(query="!!! ???", language="en").total == 0


def test_suggest_returns_best_matches_first(reindex):
    named = ProductFactory(name="Dress shoes", description="")
    described = ProductFactory(name="Boots", description="<p>Goes with a dress</p>")
    ProductFactory(name="Hat")
    reindex()
    assert catalog_suggest(query="dres", language="en") == [named.pk, described.pk]
    assert catalog_suggest(query="dres", language="en", limit=1) == [named.pk]
    assert catalog_suggest(query="  ", language="en") == []


def test_suggest_forgives_a_typo_on_postgresql(reindex):
    if connection.vendor != "postgresql":
        pytest.skip("typo tolerance uses pg_trgm; SQLite's FTS5 has no similarity search")
    dress = ProductFactory(name="Floral dress")
    ProductFactory(name="Kettle")
    reindex()
    assert catalog_suggest(query="dreess", language="en") == [dress.pk]
    assert found("dreess") == []  # the search page itself stays exact
