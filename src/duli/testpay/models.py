"""The processor's own database: charges, refunds and the webhook outbox.

These tables stand in for an outside card processor's records. The shop never reads them;
it learns what happened through `duli.testpay.processor` (its SDK) and signed webhooks.
"""

from __future__ import annotations

import secrets

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from duli.core.fields import AmountField, MoneyAttr


def _public_id(prefix: str) -> str:
    return f"{prefix}_{secrets.token_urlsafe(18).replace('-', 'x').replace('_', 'z')}"


def charge_id_new() -> str:
    return _public_id("ch")


def refund_id_new() -> str:
    return _public_id("re")


def event_id_new() -> str:
    return _public_id("evt")


class Charge(models.Model):
    """One attempt to take money from a card, as the processor records it."""

    class Status(models.TextChoices):
        REQUIRES_PAYMENT = "requires_payment", _("Awaiting card details")
        REQUIRES_ACTION = "requires_action", _("Awaiting authentication")
        SUCCEEDED = "succeeded", _("Succeeded")
        FAILED = "failed", _("Failed")
        CANCELED = "canceled", _("Canceled")

    id = models.CharField(primary_key=True, max_length=40, default=charge_id_new, editable=False)
    reference = models.CharField(max_length=120, db_index=True)  # the shop's payment id
    currency = models.CharField(max_length=3)
    amount = AmountField()
    refunded_amount = AmountField(default=0)
    description = models.CharField(max_length=300, blank=True)
    return_url = models.CharField(max_length=2000)
    cancel_url = models.CharField(max_length=2000, blank=True)
    notify_url = models.CharField(max_length=2000, blank=True)
    webhook_secret = models.CharField(max_length=300)
    idempotency_key = models.CharField(max_length=255, unique=True)
    status = models.CharField(
        max_length=20, choices=Status.choices, default=Status.REQUIRES_PAYMENT
    )
    card_brand = models.CharField(max_length=20, blank=True)
    card_last4 = models.CharField(max_length=4, blank=True)
    failure_code = models.CharField(max_length=40, blank=True)
    failure_message = models.CharField(max_length=300, blank=True)
    created = models.DateTimeField(auto_now_add=True)
    updated = models.DateTimeField(auto_now=True)

    money = MoneyAttr("amount")
    refunded = MoneyAttr("refunded_amount")

    class Meta:
        ordering = ["-created"]

    def __str__(self) -> str:
        return self.id


class Refund(models.Model):
    """Money sent back on a succeeded charge; never more than is left on it."""

    class Status(models.TextChoices):
        SUCCEEDED = "succeeded", _("Succeeded")

    id = models.CharField(primary_key=True, max_length=40, default=refund_id_new, editable=False)
    charge = models.ForeignKey(Charge, related_name="refunds", on_delete=models.PROTECT)
    currency = models.CharField(max_length=3)
    amount = AmountField()
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.SUCCEEDED)
    idempotency_key = models.CharField(max_length=255, unique=True)
    created = models.DateTimeField(auto_now_add=True)

    money = MoneyAttr("amount")

    class Meta:
        ordering = ["created"]

    def __str__(self) -> str:
        return self.id


class WebhookEvent(models.Model):
    """The outbox: one notification to the shop, kept until it was delivered.

    `next_attempt_at` is when the next delivery may start (None once delivered or given up).
    """

    id = models.CharField(primary_key=True, max_length=40, default=event_id_new, editable=False)
    charge = models.ForeignKey(Charge, related_name="events", on_delete=models.PROTECT)
    type = models.CharField(max_length=40)
    payload = models.JSONField()
    notify_url = models.CharField(max_length=2000)
    attempts = models.PositiveIntegerField(default=0)
    next_attempt_at = models.DateTimeField(null=True, blank=True)
    delivered_at = models.DateTimeField(null=True, blank=True)
    last_error = models.CharField(max_length=500, blank=True)
    created = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created"]
        indexes = [
            models.Index(
                fields=["next_attempt_at"],
                condition=Q(delivered_at__isnull=True),
                name="testpay_event_due",
            )
        ]

    def __str__(self) -> str:
        return f"{self.id} {self.type}"
