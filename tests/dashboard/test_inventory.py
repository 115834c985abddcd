import pytest
from django.urls import reverse

from duli.inventory.models import Stock, StockMovement
from duli.testing.factories import ProductFactory, VariantFactory

pytestmark = pytest.mark.django_db


def test_inventory_low_stock_filter(staff_client):
    low = VariantFactory(sku="LOW-1", stock=2)
    VariantFactory(sku="PLENTY-1", stock=50)
    url = reverse("dashboard:inventory_list")

    everything = staff_client.get(url).context["variants"]
    assert {v.sku for v in everything} == {"LOW-1", "PLENTY-1"}
    only_low = staff_client.get(url, {"low": "1"}).context["variants"]
    assert [v.sku for v in only_low] == ["LOW-1"]
    assert (only_low[0].on_hand_total, only_low[0].available_total) == (2, 2)
    assert staff_client.get(url, {"q": "plenty"}).context["variants"][0].sku == "PLENTY-1"
    assert low.low_stock_threshold == 5


def test_stock_adjustment_requires_reason(staff_client, staff):
    variant = VariantFactory(stock=5)
    url = reverse("dashboard:inventory_variant", args=[variant.pk])

    response = staff_client.post(url, {"mode": "delta", "quantity": "3", "reason": "  "})
    assert response.status_code == 200
    assert response.context["form"].errors["reason"]
    assert StockMovement.objects.count() == 0
    assert Stock.objects.get(variant=variant).on_hand == 5

    response = staff_client.post(url, {"mode": "delta", "quantity": "3", "reason": "Delivery"})
    assert response.status_code == 302
    movement = StockMovement.objects.get()
    assert (movement.on_hand_delta, movement.reason, movement.actor) == (3, "Delivery", staff)


def test_stock_count_can_be_set_and_shows_in_the_ledger(staff_client):
    variant = VariantFactory(stock=5)
    url = reverse("dashboard:inventory_variant", args=[variant.pk])
    staff_client.post(url, {"mode": "set", "quantity": "2", "reason": "Stocktake"})
    assert Stock.objects.get(variant=variant).on_hand == 2
    page = staff_client.get(url)
    assert [m.reason for m in page.context["movements"]] == ["Stocktake"]


def test_stock_below_zero_is_refused_with_the_services_message(staff_client):
    variant = VariantFactory(stock=1)
    url = reverse("dashboard:inventory_variant", args=[variant.pk])
    response = staff_client.post(url, {"mode": "delta", "quantity": "-3", "reason": "Broken"})
    assert response.status_code == 200
    assert "below zero" in " ".join(response.context["form"].non_field_errors())
    assert Stock.objects.get(variant=variant).on_hand == 1


def test_inventory_list_lists_variants_of_every_product(staff_client):
    ProductFactory(variants=3)
    assert len(staff_client.get(reverse("dashboard:inventory_list")).context["variants"]) == 3
