from decimal import Decimal

import pytest
from django.test import Client
from django.urls import reverse

from duli.tax.models import TaxClass, TaxRate
from duli.tax.services import tax_defaults_ensure, tax_rate_set
from duli.testing.factories import UserFactory

from .conftest import form_values

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def classes():
    tax_defaults_ensure()


def _rate_data(**values):
    return {"tax_class": "standard", "country": "", "region": "", "rate": "", **values}


def _class_data(**values):
    return {"name_en": "", "name_zh_hans": "", "code": "", "position": "0", **values}


def test_overview_lists_classes_and_rates_grouped_by_country(staff_client):
    tax_rate_set(tax_class_code="standard", country="DE", rate="19")
    tax_rate_set(tax_class_code="reduced", country="DE", rate="7")
    tax_rate_set(tax_class_code="standard", country="US", region="US-CA", rate="7.25")
    response = staff_client.get(reverse("dashboard:tax_overview"))
    assert response.status_code == 200
    page = response.content.decode()
    assert [g.country for g in response.context["groups"]] == ["DE", "US"]
    assert "Germany" in page and "California" in page and "7.25 %" in page
    assert "Standard rate" in page and "标准税率" in page


def test_overview_without_rates_offers_examples(staff_client):
    page = staff_client.get(reverse("dashboard:tax_overview")).content.decode()
    assert "No tax rates yet" in page
    response = staff_client.post(reverse("dashboard:tax_examples"))
    assert response.status_code == 302
    assert TaxRate.objects.count() == 13


def test_rate_create_edit_delete_round_trip(staff_client):
    response = staff_client.post(
        reverse("dashboard:tax_rate_create"),
        _rate_data(country="US", region="US-NY", rate="4"),
    )
    assert response.status_code == 302
    rate = TaxRate.objects.get()
    assert (rate.country, rate.region, rate.rate) == ("US", "US-NY", Decimal("4.000"))

    edit_url = reverse("dashboard:tax_rate_edit", args=[rate.pk])
    data = form_values(staff_client.get(edit_url).context["form"])
    assert data == {"tax_class": "standard", "country": "US", "region": "US-NY", "rate": "4"}
    data.update(rate="4.5", tax_class="reduced")
    assert staff_client.post(edit_url, data).status_code == 302
    rate.refresh_from_db()
    assert (rate.tax_class.code, rate.rate) == ("reduced", Decimal("4.500"))

    assert (
        staff_client.post(reverse("dashboard:tax_rate_delete", args=[rate.pk])).status_code == 302
    )
    assert not TaxRate.objects.exists()


@pytest.mark.parametrize(
    ("values", "field"),
    [
        ({"country": "US", "region": "CN-GD", "rate": "5"}, "region"),
        ({"country": "", "rate": "5"}, "country"),
        ({"country": "GB", "rate": "120"}, "rate"),
        ({"country": "GB", "rate": "-1"}, "rate"),
        ({"country": "GB", "rate": "abc"}, "rate"),
        ({"country": "GB", "rate": "5", "tax_class": "nope"}, "tax_class"),
    ],
)
def test_bad_rate_input_shows_an_error_and_saves_nothing(staff_client, values, field):
    response = staff_client.post(reverse("dashboard:tax_rate_create"), _rate_data(**values))
    assert response.status_code == 200
    assert response.context["form"].errors[field]
    assert not TaxRate.objects.exists()


def test_moving_a_rate_onto_an_existing_one_is_refused(staff_client):
    tax_rate_set(tax_class_code="standard", country="GB", rate="20")
    other = tax_rate_set(tax_class_code="reduced", country="GB", rate="5")
    response = staff_client.post(
        reverse("dashboard:tax_rate_edit", args=[other.pk]),
        _rate_data(country="GB", rate="5", tax_class="standard"),
    )
    assert response.status_code == 200
    assert "already has a rate" in response.content.decode()
    assert TaxRate.objects.get(pk=other.pk).tax_class.code == "reduced"


def test_region_choices_follow_the_posted_country(staff_client):
    response = staff_client.get(reverse("dashboard:tax_rate_create") + "?country=CN")
    regions = dict(response.context["form"].fields["region"].choices)
    assert "CN-GD" in regions and "US-CA" not in regions


def test_regions_endpoint_lists_a_countrys_regions(staff_client):
    data = staff_client.get(reverse("dashboard:tax_regions"), {"country": "us"}).json()
    codes = [r["code"] for r in data["regions"]]
    assert codes[0] == "" and "US-CA" in codes
    assert staff_client.get(reverse("dashboard:tax_regions"), {"country": "GB"}).json() == {
        "regions": [{"code": "", "name": "Whole country"}]
    }


def test_class_create_edit_delete_round_trip(staff_client):
    response = staff_client.post(
        reverse("dashboard:tax_class_create"),
        _class_data(name_en="Books", name_zh_hans="图书", code="books", position="4"),
    )
    assert response.status_code == 302
    books = TaxClass.objects.get(code="books")
    assert books.safe_translation_getter("name", language_code="zh-hans") == "图书"

    url = reverse("dashboard:tax_class_edit", args=[books.pk])
    data = form_values(staff_client.get(url).context["form"])
    data.update(name_en="Printed books", is_default="on")
    assert staff_client.post(url, data).status_code == 302
    books = TaxClass.objects.get(pk=books.pk)
    assert books.is_default
    assert not TaxClass.objects.get(code="standard").is_default

    standard = TaxClass.objects.get(code="standard")
    response = staff_client.post(reverse("dashboard:tax_class_delete", args=[standard.pk]))
    assert response.status_code == 302
    assert not TaxClass.objects.filter(pk=standard.pk).exists()


def test_class_with_taken_code_shows_the_error_on_the_code(staff_client):
    response = staff_client.post(
        reverse("dashboard:tax_class_create"), _class_data(name_en="Again", code="reduced")
    )
    assert response.status_code == 200
    assert response.context["form"].errors["code"]
    assert TaxClass.objects.count() == 3


def test_class_needs_an_english_name(staff_client):
    response = staff_client.post(reverse("dashboard:tax_class_create"), _class_data(code="x"))
    assert response.context["form"].errors["name_en"]
    assert not TaxClass.objects.filter(code="x").exists()


def test_deleting_the_default_class_is_refused_with_a_message(staff_client):
    standard = TaxClass.objects.get(code="standard")
    response = staff_client.post(
        reverse("dashboard:tax_class_delete", args=[standard.pk]), follow=True
    )
    assert "cannot be deleted" in response.content.decode()
    assert TaxClass.objects.filter(pk=standard.pk).exists()


def test_unticking_default_on_the_default_class_is_refused(staff_client):
    standard = TaxClass.objects.get(code="standard")
    url = reverse("dashboard:tax_class_edit", args=[standard.pk])
    data = form_values(staff_client.get(url).context["form"])
    data.pop("is_default")
    response = staff_client.post(url, data)
    assert response.status_code == 200
    assert "must be the default" in response.content.decode()
    assert TaxClass.objects.get(pk=standard.pk).is_default


def test_non_staff_cannot_see_or_change_tax():
    rate = tax_rate_set(tax_class_code="standard", country="GB", rate="20")
    shopper = Client()
    shopper.force_login(UserFactory())
    assert shopper.get(reverse("dashboard:tax_overview")).status_code == 403
    assert shopper.post(reverse("dashboard:tax_rate_delete", args=[rate.pk])).status_code == 403
    response = shopper.post(
        reverse("dashboard:tax_rate_create"), _rate_data(country="DE", rate="19")
    )
    assert response.status_code == 403
    assert list(TaxRate.objects.values_list("country", flat=True)) == ["GB"]
    assert Client().get(reverse("dashboard:tax_overview")).status_code == 302


# ---------------------------------------------------------------- product editor


def test_product_editor_sets_and_clears_the_tax_class(staff_client):
    from duli.catalog.models import Product
    from duli.testing.factories import ProductFactory

    from .conftest import editor_values

    product = ProductFactory()
    url = reverse("dashboard:product_edit", args=[product.pk])
    data = editor_values(staff_client, url)
    assert data["tax_class"] == ""
    data["tax_class"] = "reduced"
    assert staff_client.post(url, data).status_code == 302
    assert Product.objects.get(pk=product.pk).tax_class.code == "reduced"

    data = editor_values(staff_client, url)
    assert data["tax_class"] == "reduced"
    data["tax_class"] = ""
    assert staff_client.post(url, data).status_code == 302
    assert Product.objects.get(pk=product.pk).tax_class_id is None


def test_product_editor_refuses_an_unknown_tax_class(staff_client):
    from duli.catalog.models import Product
    from duli.testing.factories import ProductFactory

    from .conftest import editor_values

    product = ProductFactory()
    url = reverse("dashboard:product_edit", args=[product.pk])
    data = editor_values(staff_client, url)
    data["tax_class"] = "luxury"
    response = staff_client.post(url, data)
    assert response.status_code == 200
    assert response.context["editor"].form.errors["tax_class"]
    assert Product.objects.get(pk=product.pk).tax_class_id is None


def test_new_product_gets_its_tax_class(staff_client):
    from duli.catalog.models import Product

    from .conftest import editor_values

    data = editor_values(staff_client, reverse("dashboard:product_create"))
    data.update(name_en="Novel", tax_class="zero", status="draft")
    response = staff_client.post(reverse("dashboard:product_create"), data)
    assert response.status_code == 302
    assert Product.objects.get().tax_class.code == "zero"
