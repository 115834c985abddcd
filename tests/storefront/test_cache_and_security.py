"""The whole-page cache (DESIGN rule 11) and the strict CSP."""

from __future__ import annotations

import re

import pytest
from django.test import RequestFactory

from duli.catalog.services import ProductInput, product_update
from duli.storefront.cache import CACHE_HEADER
from duli.storefront.views.errors import server_error
from duli.testing.factories import ProductFactory, UserFactory

pytestmark = pytest.mark.django_db

SCRIPT_TAG = re.compile(r"<script\b([^>]*)>", re.I)
NONCE = re.compile(r'nonce="([^"]+)"')


@pytest.fixture
def page_cache(settings):
    settings.DULI_PAGE_CACHE_SECONDS = 300


def test_second_anonymous_request_is_served_from_the_cache(client, shop, page_cache):
    product = ProductFactory(name="Oolong")

    first = client.get(product.get_absolute_url())
    second = client.get(product.get_absolute_url())

    assert first[CACHE_HEADER] == "miss"
    assert second[CACHE_HEADER] == "hit"
    assert "Oolong" in second.content.decode()


def test_a_catalogue_write_makes_the_next_request_fresh(client, shop, page_cache):
    product = ProductFactory(name="Oolong")
    client.get(product.get_absolute_url())

    product_update(
        product_id=product.pk,
        data=ProductInput(
            translations={"en": {"name": "Aged oolong"}},
            status="active",
            category_id=product.category_id,
        ),
    )
    response = client.get(product.get_absolute_url())

    assert response[CACHE_HEADER] == "miss"
    assert "Aged oolong" in response.content.decode()


def test_each_language_and_query_is_cached_separately(client, shop, page_cache):
    product = ProductFactory(name="Tea", zh_name="茶")
    client.get(product.get_absolute_url())

    chinese = client.get(f"/zh-hans/products/{product.slug}/")
    with_query = client.get(product.get_absolute_url() + "?variant=1")

    assert chinese[CACHE_HEADER] == "miss" and "茶" in chinese.content.decode()
    assert with_query[CACHE_HEADER] == "miss"


def test_signed_in_visitors_are_never_served_cached_pages(client, shop, page_cache):
    client.force_login(UserFactory())
    client.get("/")

    assert CACHE_HEADER not in client.get("/")


def test_nothing_is_cached_when_the_ttl_is_zero(client, shop, settings):
    settings.DULI_PAGE_CACHE_SECONDS = 0
    client.get("/")

    assert CACHE_HEADER not in client.get("/")


def test_a_cached_page_carries_the_new_responses_nonce(client, shop, page_cache):
    client.get("/")
    hit = client.get("/")

    header_nonce = re.search(r"'nonce-([^']+)'", hit["Content-Security-Policy"]).group(1)
    page_nonces = set(NONCE.findall(hit.content.decode()))
    assert hit[CACHE_HEADER] == "hit"
    assert page_nonces == {header_nonce}


def test_cached_pages_hold_no_csrf_token_or_cart_count(client, shop, page_cache):
    html = client.get("/").content.decode()

    assert "csrfmiddlewaretoken" not in html
    assert "data-cart-count hidden>0<" in html  # filled in by JS from /cart/count/


@pytest.mark.parametrize("path", ["/", "/search/?q=tea", "product"])
def test_pages_send_a_strict_csp_and_every_inline_script_has_its_nonce(client, shop, path):
    product = ProductFactory()
    url = product.get_absolute_url() if path == "product" else path

    response = client.get(url)

    csp = response["Content-Security-Policy"]
    nonce = re.search(r"script-src 'self' 'nonce-([^']+)'", csp).group(1)
    assert "style-src 'self' 'nonce-" in csp
    html = response.content.decode()
    for attrs in SCRIPT_TAG.findall(html):
        assert "src=" in attrs or f'nonce="{nonce}"' in attrs, attrs
    assert " style=" not in html
    assert re.search(r"\son[a-z]+=", html) is None  # no inline event handlers


def test_server_error_page_renders_without_the_database(django_assert_num_queries):
    request = RequestFactory().get("/")

    with django_assert_num_queries(0):
        response = server_error(request)

    assert response.status_code == 500
    assert "Something went wrong" in response.content.decode()
