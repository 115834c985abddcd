import re

import pytest
from django.test import Client
from django.urls import reverse

from duli.catalog.models import Product, ProductStatus
from duli.testing.factories import ProductFactory, UserFactory

pytestmark = pytest.mark.django_db


def test_non_staff_cannot_open_dashboard():
    product = ProductFactory(status=ProductStatus.DRAFT)
    anonymous = Client()
    response = anonymous.get(reverse("dashboard:product_list"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("dashboard:login"))

    shopper = Client()
    shopper.force_login(UserFactory())
    assert shopper.get(reverse("dashboard:home")).status_code == 403
    assert shopper.get(reverse("dashboard:product_list")).status_code == 403
    response = shopper.post(
        reverse("dashboard:product_bulk"),
        {"action": "publish", "ids": [product.pk], "confirm": "1"},
    )
    assert response.status_code == 403
    assert Product.objects.get(pk=product.pk).status == ProductStatus.DRAFT


def test_staff_login(staff):
    client = Client()
    response = client.post(
        reverse("dashboard:login"), {"username": staff.email, "password": "correct horse battery"}
    )
    assert response.status_code == 302
    assert response["Location"] == reverse("dashboard:home")
    assert client.get(reverse("dashboard:home")).status_code == 200


def test_shopper_login_is_refused_with_a_reason():
    shopper = UserFactory(email="shopper@example.com")
    client = Client()
    response = client.post(
        reverse("dashboard:login"), {"username": shopper.email, "password": "correct horse battery"}
    )
    assert response.status_code == 200
    assert "cannot open the dashboard" in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_logout_needs_a_post_and_signs_out(staff_client):
    response = staff_client.post(reverse("dashboard:logout"))
    assert response.status_code == 302
    assert staff_client.get(reverse("dashboard:home")).status_code == 302


def test_home_shows_product_and_alert_counts(staff_client):
    ProductFactory.create_batch(3)
    response = staff_client.get(reverse("dashboard:home"))
    assert response.context["counts"].products == 3
    assert response.context["counts"].low_stock_alerts == 0


PAGES = [
    "dashboard:home",
    "dashboard:product_list",
    "dashboard:product_create",
    "dashboard:category_list",
    "dashboard:category_create",
    "dashboard:collection_list",
    "dashboard:collection_create",
    "dashboard:inventory_list",
    "dashboard:settings",
]


@pytest.mark.parametrize("name", PAGES)
def test_pages_have_no_inline_script_or_style_that_the_csp_would_block(staff_client, name):
    ProductFactory()
    html = staff_client.get(reverse(name)).content.decode()
    assert not re.search(r"\sstyle=", html)
    assert not re.search(r"\son[a-z]+=", html)
    for tag in re.findall(r"<script[^>]*>", html):
        assert "src=" in tag
