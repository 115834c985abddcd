import io
from decimal import Decimal

import pytest
from django.core.cache import cache
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from PIL import Image

from duli.catalog.models import Product, ProductImage, ProductStatus
from duli.testing.factories import BrandFactory, CategoryFactory, ProductFactory, VariantFactory

pytestmark = pytest.mark.django_db


def _listed(client, **params):
    response = client.get(reverse("dashboard:product_list"), params)
    assert response.status_code == 200
    return {p.slug for p in response.context["products"]}


def test_product_list_search_and_filters(staff_client):
    shirts = CategoryFactory(name="Shirts")
    linen = CategoryFactory(name="Linen", parent=shirts)
    mugs = CategoryFactory(name="Mugs")
    ProductFactory(slug="linen-shirt", name="Linen shirt", category=linen, variants__stock=2)
    ProductFactory(slug="oxford", name="Oxford shirt", category=shirts, status=ProductStatus.DRAFT)
    mug = ProductFactory(slug="mug", name="Tea mug", category=mugs, variants=0)
    VariantFactory(product=mug, sku="MUG-BLUE-XL", stock=40)

    assert _listed(staff_client) == {"linen-shirt", "oxford", "mug"}
    assert _listed(staff_client, q="shirt") == {"linen-shirt", "oxford"}
    assert _listed(staff_client, q="blue-x") == {"mug"}
    assert _listed(staff_client, status="draft") == {"oxford"}
    assert _listed(staff_client, category=shirts.pk) == {"linen-shirt", "oxford"}
    assert _listed(staff_client, category=linen.pk) == {"linen-shirt"}
    assert _listed(staff_client, low_stock="1") == {"linen-shirt"}
    assert _listed(staff_client, q="shirt", status="active") == {"linen-shirt"}


def test_bulk_publish(staff_client):
    drafts = ProductFactory.create_batch(2, status=ProductStatus.DRAFT)
    other = ProductFactory(status=ProductStatus.DRAFT)
    ids = [p.pk for p in drafts]

    confirm = staff_client.post(
        reverse("dashboard:product_bulk"), {"action": "publish", "ids": ids}
    )
    assert confirm.status_code == 200
    assert set(Product.objects.values_list("status", flat=True)) == {ProductStatus.DRAFT}

    done = staff_client.post(
        reverse("dashboard:product_bulk"), {"action": "publish", "ids": ids, "confirm": "1"}
    )
    assert done.status_code == 302
    assert set(Product.objects.filter(pk__in=ids).values_list("status", flat=True)) == {
        ProductStatus.ACTIVE
    }
    assert Product.objects.get(pk=other.pk).status == ProductStatus.DRAFT


def test_bulk_archive_and_unpublish(staff_client):
    a, b = ProductFactory.create_batch(2)
    url = reverse("dashboard:product_bulk")
    staff_client.post(url, {"action": "archive", "ids": [a.pk], "confirm": "1"})
    staff_client.post(url, {"action": "unpublish", "ids": [b.pk], "confirm": "1"})
    assert Product.objects.get(pk=a.pk).status == ProductStatus.ARCHIVED
    assert Product.objects.get(pk=b.pk).status == ProductStatus.DRAFT


def test_bulk_delete(staff_client):
    doomed = ProductFactory.create_batch(2)
    kept = ProductFactory()
    url = reverse("dashboard:product_bulk")
    ids = [p.pk for p in doomed]

    page = staff_client.post(url, {"action": "delete", "ids": ids})
    assert b"cannot be undone" in page.content
    assert Product.objects.count() == 3

    staff_client.post(url, {"action": "delete", "ids": ids, "confirm": "1"})
    assert list(Product.objects.values_list("pk", flat=True)) == [kept.pk]


def test_bulk_action_without_a_selection_says_so(staff_client):
    response = staff_client.post(
        reverse("dashboard:product_bulk"), {"action": "publish", "confirm": "1"}, follow=True
    )
    assert "Select at least one product." in response.content.decode()


def _png() -> SimpleUploadedFile:
    buffer = io.BytesIO()
    Image.new("RGB", (4, 4), "red").save(buffer, format="PNG")
    return SimpleUploadedFile("p.png", buffer.getvalue(), content_type="image/png")


def _make_products(n):
    for i in range(n):
        product = ProductFactory(zh_name=f"产品{i}", variants=2, brand=BrandFactory())
        ProductImage.objects.create(product=product, image=_png(), position=0)
        VariantFactory(product=product, price_amount=Decimal("3"), stock=1)


def test_product_list_query_count_does_not_grow(staff_client, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    url = reverse("dashboard:product_list")
    _make_products(2)
    staff_client.get(url)  # the first view creates the shop-settings row
    # parler keeps translations in the cache; clear it so every lookup would show as a query
    cache.clear()
    with CaptureQueriesContext(connection) as few:
        assert staff_client.get(url).status_code == 200
    _make_products(10)
    cache.clear()
    with CaptureQueriesContext(connection) as many:
        response = staff_client.get(url)
    assert len(response.context["products"]) == 12
    assert len(many.captured_queries) == len(few.captured_queries)
