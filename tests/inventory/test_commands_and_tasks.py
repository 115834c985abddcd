from datetime import timedelta
from io import StringIO

import pytest
from django.core.management import call_command
from django.utils import timezone

from duli.inventory.models import Stock
from duli.inventory.services import stock_reserve
from duli.inventory.tasks import reservations_expire_run
from duli.testing.factories import VariantFactory

pytestmark = pytest.mark.django_db


def _reserve_expired(units: int) -> Stock:
    variant = VariantFactory(stock=5)
    past = timezone.now() - timedelta(seconds=1)
    stock_reserve(lines=[(variant.pk, units)], reference="checkout:1", expires_at=past)
    return Stock.objects.get(variant=variant)


def test_expiry_task_releases_expired_reservations():
    stock = _reserve_expired(2)

    result = reservations_expire_run.enqueue()

    assert result.return_value == 2
    stock.refresh_from_db()
    assert stock.reserved == 0


def test_expiry_command_releases_expired_reservations_and_says_how_many():
    stock = _reserve_expired(3)
    out = StringIO()

    call_command("reservations_expire", stdout=out)

    assert out.getvalue().strip() == "Released 3 reserved unit(s)."
    stock.refresh_from_db()
    assert stock.reserved == 0
