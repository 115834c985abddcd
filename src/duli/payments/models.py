"""Payments of orders and every money movement on them (captures, refunds)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from duli.core.fields import AmountField, MoneyAttr, TimeStamped


class PaymentMethod(models.Model):
    """A provider the merchant offers at checkout, with its settings."""

    provider = models.CharField(max_length=40, unique=True)
    is_enabled = models.BooleanField(default=True)
    position = models.PositiveIntegerField(default=0)
    config = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["position", "pk"]

    def __str__(self) -> str:
        return self.provider


class Payment(TimeStamped):
    """What an order is to be paid with, and how much of it was captured and refunded."""

    class Status(models.TextChoices):
        PENDING = "pending", _("Awaiting payment")
        CAPTURED = "captured", _("Paid")
        PARTIALLY_REFUNDED = "partially_refunded", _("Partially refunded")
        REFUNDED = "refunded", _("Refunded")
        FAILED = "failed", _("Failed")
        CANCELED = "canceled", _("Canceled")

    order = models.ForeignKey("orders.Order", related_name="payments", on_delete=models.PROTECT)
    provider = models.CharField(max_length=40)
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.PENDING)
    currency = models.CharField(max_length=3)
    amount_amount = AmountField()
    captured_amount = AmountField(default=0)
    refunded_amount = AmountField(default=0)
    provider_ref = models.CharField(max_length=120, blank=True, db_index=True)

    amount = MoneyAttr("amount_amount")
    captured = MoneyAttr("captured_amount")
    refunded = MoneyAttr("refunded_amount")

    class Meta:
        ordering = ["pk"]

    def __str__(self) -> str:
        return f"{self.provider} {self.amount} ({self.status})"


class PaymentTransaction(models.Model):
    """One money movement: a capture or a refund, with who made it and its key."""

    class Kind(models.TextChoices):
        CAPTURE = "capture", _("Payment received")
        REFUND = "refund", _("Refund")

    payment = models.ForeignKey(Payment, related_name="transactions", on_delete=models.PROTECT)
    kind = models.CharField(max_length=10, choices=Kind.choices)
    currency = models.CharField(max_length=3)
    amount_amount = AmountField()
    reference = models.CharField(max_length=120, blank=True)
    idempotency_key = models.CharField(max_length=100, unique=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL
    )
    created_at = models.DateTimeField(auto_now_add=True)

    amount = MoneyAttr("amount_amount")

    class Meta:
        ordering = ["created_at", "pk"]

    def __str__(self) -> str:
        return f"{self.kind} {self.amount}"
