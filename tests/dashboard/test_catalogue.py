import pytest
from django.urls import reverse

from duli.catalog.models import Category, Collection, CollectionProduct
from duli.testing.factories import CategoryFactory, CollectionFactory, ProductFactory

pytestmark = pytest.mark.django_db


def _category_data(**overrides):
    data = {
        "name_en": "",
        "description_en": "",
        "name_zh_hans": "",
        "description_zh_hans": "",
        "slug": "",
        "parent": "",
        "position": "0",
        "is_active": "on",
    }
    data.update(overrides)
    return data


def test_category_create_and_move(staff_client):
    url = reverse("dashboard:category_create")
    response = staff_client.post(url, _category_data(name_en="Clothing", name_zh_hans="服装"))
    assert response.status_code == 302
    clothing = Category.objects.get(slug="clothing")
    assert clothing.translations.get(language_code="zh-hans").name == "服装"
    staff_client.post(url, _category_data(name_en="Shirts"))
    shirts = Category.objects.get(slug="shirts")
    assert shirts.parent is None

    response = staff_client.post(
        reverse("dashboard:category_edit", args=[shirts.pk]),
        _category_data(name_en="Shirts", slug="shirts", parent=str(clothing.pk), position="2"),
    )
    assert response.status_code == 302
    shirts.refresh_from_db()
    assert (shirts.parent, shirts.depth, shirts.position) == (clothing, 1, 2)
    assert shirts.path.startswith(clothing.path)
    tree = staff_client.get(reverse("dashboard:category_list")).context["categories"]
    assert [c.slug for c in tree] == ["clothing", "shirts"]


def test_category_cannot_be_moved_under_itself(staff_client):
    parent = CategoryFactory(slug="parent", name="Parent")
    child = CategoryFactory(slug="child", name="Child", parent=parent)
    response = staff_client.post(
        reverse("dashboard:category_edit", args=[parent.pk]),
        _category_data(name_en="Parent", slug="parent", parent=str(child.pk)),
    )
    assert response.status_code == 200
    assert response.context["form"].errors["parent"]
    parent.refresh_from_db()
    assert parent.parent is None


def test_category_delete_refusal_is_shown(staff_client):
    parent = CategoryFactory(name="Parent")
    CategoryFactory(name="Child", parent=parent)
    response = staff_client.post(
        reverse("dashboard:category_delete", args=[parent.pk]), follow=True
    )
    assert "Move or delete its sub-categories first." in response.content.decode()
    assert Category.objects.filter(pk=parent.pk).exists()


def _collection_data(**overrides):
    data = {
        "name_en": "",
        "description_en": "",
        "seo_title_en": "",
        "seo_description_en": "",
        "name_zh_hans": "",
        "description_zh_hans": "",
        "seo_title_zh_hans": "",
        "seo_description_zh_hans": "",
        "slug": "",
        "is_published": "on",
        "home_position": "0",
    }
    data.update(overrides)
    return data


def test_collection_create_with_home_feature(staff_client):
    response = staff_client.post(
        reverse("dashboard:collection_create"),
        _collection_data(
            name_en="Summer", name_zh_hans="夏季", featured_on_home="on", home_position="3"
        ),
    )
    collection = Collection.objects.get()
    assert response["Location"] == reverse("dashboard:collection_edit", args=[collection.pk])
    assert (collection.slug, collection.featured_on_home, collection.home_position) == (
        "summer",
        True,
        3,
    )
    assert collection.translations.get(language_code="zh-hans").name == "夏季"


def test_collection_products(staff_client):
    collection = CollectionFactory()
    a, b, c = (
        ProductFactory(name="Alpha"),
        ProductFactory(name="Beta"),
        ProductFactory(name="Gamma"),
    )
    url = reverse("dashboard:collection_products", args=[collection.pk])

    def order():
        return list(
            CollectionProduct.objects.filter(collection=collection)
            .order_by("position")
            .values_list("product_id", flat=True)
        )

    staff_client.post(url, {"product_ids": "", "op": f"add:{a.pk}"})
    staff_client.post(url, {"product_ids": f"{a.pk}", "op": f"add:{b.pk}"})
    staff_client.post(url, {"product_ids": f"{a.pk},{b.pk}", "op": f"add:{c.pk}"})
    assert order() == [a.pk, b.pk, c.pk]
    staff_client.post(url, {"product_ids": f"{a.pk},{b.pk},{c.pk}", "op": f"up:{c.pk}"})
    assert order() == [a.pk, c.pk, b.pk]
    staff_client.post(url, {"product_ids": f"{a.pk},{c.pk},{b.pk}", "op": f"remove:{a.pk}"})
    assert order() == [c.pk, b.pk]

    page = staff_client.get(
        reverse("dashboard:collection_edit", args=[collection.pk]), {"q": "alp"}
    )
    assert [p.pk for p in page.context["members"]] == [c.pk, b.pk]
    assert [p.pk for p in page.context["candidates"]] == [a.pk]
