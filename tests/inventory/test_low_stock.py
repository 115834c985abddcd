import pytest
from django.core import mail

from duli.core.services import shop_settings_update
from duli.inventory.models import LowStockAlert, Stock
from duli.inventory.services import stock_adjust, stock_commit, stock_release, stock_reserve
from duli.inventory.tasks import low_stock_alert_email
from duli.testing.factories import StaffFactory, UserFactory, VariantFactory
from duli.testing.inventory_factories import variant_with_options

pytestmark = pytest.mark.django_db


def _alert_open(variant) -> bool:
    return Stock.objects.get(variant=variant).low_alert_open


def test_low_stock_alert_raised_when_available_falls_to_the_threshold():
    variant = VariantFactory(stock=6, low_stock_threshold=3)

    stock_reserve(lines=[(variant.pk, 2)], reference="checkout:1")
    assert not LowStockAlert.objects.exists()
    stock_reserve(lines=[(variant.pk, 1)], reference="checkout:2")

    alert = LowStockAlert.objects.get()
    assert (alert.stock.variant, alert.available, alert.threshold) == (variant, 3, 3)
    assert alert.resolved_at is None
    assert _alert_open(variant)


def test_low_stock_alert_raised_once_per_crossing():
    variant = VariantFactory(stock=5, low_stock_threshold=2)

    stock_reserve(lines=[(variant.pk, 3)], reference="checkout:1")  # 2 left: crosses
    stock_reserve(lines=[(variant.pk, 1)], reference="checkout:2")  # 1 left: still below
    stock_commit(reference="checkout:1")  # a sale of held units moves nothing
    assert LowStockAlert.objects.count() == 1

    stock_adjust(variant_id=variant.pk, quantity_delta=10, reason="Restock")  # 11 left: above
    assert not _alert_open(variant)
    stock_adjust(variant_id=variant.pk, set_on_hand=2, reason="Stocktake")  # 1 left: crosses

    assert LowStockAlert.objects.count() == 2
    assert LowStockAlert.objects.filter(resolved_at__isnull=True).count() == 1


def test_rising_above_the_threshold_resolves_the_open_alert():
    variant = VariantFactory(stock=3, low_stock_threshold=2)
    stock_reserve(lines=[(variant.pk, 2)], reference="checkout:1")

    stock_release(reference="checkout:1")

    assert LowStockAlert.objects.get().resolved_at is not None
    assert not _alert_open(variant)


def test_rising_but_staying_at_or_below_the_threshold_keeps_the_alert_open():
    variant = VariantFactory(stock=3, low_stock_threshold=2)
    stock_adjust(variant_id=variant.pk, quantity_delta=-3, reason="Damaged")

    stock_adjust(variant_id=variant.pk, quantity_delta=2, reason="Found two")

    assert LowStockAlert.objects.get().resolved_at is None
    assert _alert_open(variant)


def test_untracked_variant_never_alerts():
    variant = VariantFactory(stock=5, low_stock_threshold=4, track_inventory=False)

    stock_adjust(variant_id=variant.pk, quantity_delta=-5, reason="Gone")

    assert not LowStockAlert.objects.exists()


def test_low_stock_event_is_published_after_commit(published, django_capture_on_commit_callbacks):
    variant = VariantFactory(stock=3, low_stock_threshold=2)

    with django_capture_on_commit_callbacks(execute=True):
        stock_reserve(lines=[(variant.pk, 1)], reference="checkout:1")
        assert published.named("stock.low") == []

    alert = LowStockAlert.objects.get()
    stock = Stock.objects.get(variant=variant)
    assert published.named("stock.low") == [
        {
            "alert_id": alert.pk,
            "stock_id": stock.pk,
            "variant_id": variant.pk,
            "available": 2,
            "threshold": 2,
        }
    ]


def test_low_stock_alert_emails_the_merchant(django_capture_on_commit_callbacks):
    shop_settings_update(language="en", alert_email="owner@shop.example")
    StaffFactory(email="staff@shop.example")
    variant = variant_with_options(product_name="Linen Shirt", stock=4, low_stock_threshold=3)

    with django_capture_on_commit_callbacks(execute=True):
        stock_reserve(lines=[(variant.pk, 2)], reference="checkout:1")

    (message,) = mail.outbox
    assert message.to == ["owner@shop.example"]
    assert message.subject == "Low stock: Linen Shirt (Blue / M) (2 left)"
    assert "Linen Shirt (Blue / M) is running low." in message.body
    assert f"SKU: {variant.sku}" in message.body
    ((html, mimetype),) = message.alternatives
    assert mimetype == "text/html"
    assert "<strong>Linen Shirt (Blue / M)</strong> is running low." in html
    assert LowStockAlert.objects.get().emailed_at is not None


def test_low_stock_alert_email_goes_to_active_staff_without_an_alert_address(
    django_capture_on_commit_callbacks,
):
    StaffFactory(email="a@shop.example")
    StaffFactory(email="b@shop.example")
    StaffFactory(email="gone@shop.example", is_active=False)
    UserFactory(email="shopper@example.com")
    variant = VariantFactory(stock=1, low_stock_threshold=0)

    with django_capture_on_commit_callbacks(execute=True):
        stock_reserve(lines=[(variant.pk, 1)], reference="checkout:1")

    (message,) = mail.outbox
    assert message.to == ["a@shop.example", "b@shop.example"]


def test_low_stock_alert_is_emailed_only_once():
    shop_settings_update(language="en", alert_email="owner@shop.example")
    variant = VariantFactory(stock=1, low_stock_threshold=1)
    stock_adjust(variant_id=variant.pk, quantity_delta=-1, reason="Damaged")
    alert = LowStockAlert.objects.get()

    first = low_stock_alert_email.call(alert_id=alert.pk)
    second = low_stock_alert_email.call(alert_id=alert.pk)

    assert (first, second) == (True, False)
    assert len(mail.outbox) == 1


def test_low_stock_alert_with_nobody_to_tell_stays_unsent():
    variant = VariantFactory(stock=1, low_stock_threshold=1)
    stock_adjust(variant_id=variant.pk, quantity_delta=-1, reason="Damaged")
    alert = LowStockAlert.objects.get()

    assert low_stock_alert_email.call(alert_id=alert.pk) is False

    assert mail.outbox == []
    alert.refresh_from_db()
    assert alert.emailed_at is None
