"""Background work of the inventory: merchant alerts and reservation expiry."""

from __future__ import annotations

import logging

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.mail import EmailMultiAlternatives
from django.tasks import task
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.translation import gettext

from duli.core.selectors import shop_settings_get
from duli.inventory.models import LowStockAlert
from duli.inventory.selectors import variant_display_name
from duli.inventory.services import reservations_expire

log = logging.getLogger(__name__)


@task
def low_stock_alert_email(alert_id: int) -> bool:
    """Email the merchant about one low-stock alert, at most once.

    Goes to the shop's alert email, else to every active staff member with an address.
    Returns whether a message was sent.
    """
    # Claim the alert first, so two workers running the same task send one email.
    claimed = LowStockAlert.objects.filter(pk=alert_id, emailed_at__isnull=True).update(
        emailed_at=timezone.now()
    )
    if not claimed:
        return False
    alert = LowStockAlert.objects.select_related("stock__variant", "stock__warehouse").get(
        pk=alert_id
    )
    shop = shop_settings_get()
    recipients = _alert_recipients(shop.alert_email)
    if not recipients:
        log.warning("low-stock alert %s: no alert email and no staff address", alert_id)
        LowStockAlert.objects.filter(pk=alert_id).update(emailed_at=None)
        return False
    with translation.override(settings.LANGUAGE_CODE):
        context = {
            "shop": shop,
            "alert": alert,
            "variant_name": variant_display_name(variant_id=alert.stock.variant_id),
            "sku": alert.stock.variant.sku,
            "warehouse": alert.stock.warehouse,
        }
        subject = gettext("Low stock: %(name)s (%(count)d left)") % {
            "name": context["variant_name"],
            "count": max(alert.available, 0),
        }
        message = EmailMultiAlternatives(
            subject=subject,
            body=render_to_string("inventory/email/low_stock_alert.txt", context),
            to=recipients,
        )
        message.attach_alternative(
            render_to_string("inventory/email/low_stock_alert.html", context), "text/html"
        )
    try:
        message.send()
    except Exception:
        # Give the alert back, so a retry of this task can still send it.
        LowStockAlert.objects.filter(pk=alert_id).update(emailed_at=None)
        raise
    return True


def _alert_recipients(alert_email: str) -> list[str]:
    if alert_email:
        return [alert_email]
    staff = (
        get_user_model()
        .objects.filter(is_staff=True, is_active=True)
        .exclude(email="")
        .order_by("pk")
        .values_list("email", flat=True)
    )
    return list(staff)


@task
def reservations_expire_run() -> int:
    """Release expired checkout reservations; schedule it every few minutes."""
    return reservations_expire()
