import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from PIL import Image

from duli.core.selectors import shop_settings_get

pytestmark = pytest.mark.django_db


def _settings_data(client):
    from .conftest import form_values

    return form_values(client.get(reverse("dashboard:settings")).context["form"])


def test_shop_settings_change_shows_on_storefront_context(staff_client, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    data = _settings_data(staff_client)
    buffer = io.BytesIO()
    Image.new("RGB", (20, 10), "white").save(buffer, format="PNG")
    data.update(
        {
            "name_en": "Ridge Goods",
            "name_zh_hans": "山脊好物",
            "tagline_en": "Made to last",
            "returns_policy_zh_hans": "<p>14 天退货</p>",
            "primary_color": "#123456",
            "currency": "EUR",
            "languages": ["en"],
            "alert_email": "alerts@example.com",
            "logo": SimpleUploadedFile("logo.png", buffer.getvalue(), content_type="image/png"),
        }
    )
    response = staff_client.post(reverse("dashboard:settings"), data)
    assert response.status_code == 302, response.context and response.context["form"].errors

    shop = shop_settings_get()
    assert (shop.primary_color, shop.currency, shop.languages) == ("#123456", "EUR", ["en"])
    assert shop.alert_email == "alerts@example.com"
    assert shop.logo.name.startswith("shop/")
    assert shop.safe_translation_getter("name", language_code="en") == "Ridge Goods"
    assert shop.safe_translation_getter("tagline", language_code="en") == "Made to last"
    assert shop.safe_translation_getter("name", language_code="zh-hans") == "山脊好物"
    assert (
        shop.safe_translation_getter("returns_policy", language_code="zh-hans")
        == "<p>14 天退货</p>"
    )
    # Every page's context (the storefront's too) reads the new values on the next request.
    page = Client().get(reverse("dashboard:login"))
    assert page.context["shop"].primary_color == "#123456"
    assert "Ridge Goods" in page.content.decode()


def test_bad_colour_is_refused_and_input_kept(staff_client):
    data = _settings_data(staff_client)
    data.update({"primary_color": "red", "name_en": "Typed name"})
    response = staff_client.post(reverse("dashboard:settings"), data)
    assert response.status_code == 200
    assert response.context["form"].errors["primary_color"]
    assert 'value="Typed name"' in response.content.decode()
    assert shop_settings_get().primary_color == "#1f6f5c"
