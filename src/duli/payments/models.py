"""Payments of orders and every money movement on them (captures, refunds)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from duli.core.fields import AmountField, MoneyAttr, TimeStamped


class PaymentMethod(models.Model):
    """A provider the merchant offers at checkout, with its settings. Secret settings
    (API keys, private keys) live encrypted in `secrets` (duli.core.crypto) and are never
    shown again in full."""

    provider = models.CharField(max_length=40, unique=True)
    is_enabled = models.BooleanField(default=True)
    position = models.PositiveIntegerField(default=0)
    config = models.JSONField(default=dict, blank=True)
    secrets = models.TextField(blank=True, default="")

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
    # Our reference at the provider (out_trade_no, custom_id, client_reference_id): unique
    # across shops sharing an account, 6–32 letters and digits as WeChat Pay requires.
    reference = models.CharField(max_length=32, unique=True, null=True, blank=True)
    # The last thing the shopper was asked to do (follow a redirect, scan a code …), so the
    # pay page can show it again after a refresh.
    action = models.CharField(max_length=20, blank=True)
    action_value = models.TextField(blank=True)
    started_for = models.CharField(max_length=60, blank=True)  # "<reference>:<device>"
    failure_message = models.CharField(max_length=300, blank=True)
    # Set when a provider reported something the shop must look at (wrong amount or
    # currency, money taken after the order was cancelled); never cleared automatically.
    flag = models.CharField(max_length=300, blank=True)

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

    class Status(models.TextChoices):
        SUCCEEDED = "succeeded", _("Succeeded")
        PENDING = "pending", _("Pending")  # sent to the provider, not yet confirmed
        FAILED = "failed", _("Failed")

    payment = models.ForeignKey(Payment, related_name="transactions", on_delete=models.PROTECT)
    kind = models.CharField(max_length=10, choices=Kind.choices)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.SUCCEEDED)
    provider_ref = models.CharField(max_length=120, blank=True, db_index=True)
    message = models.CharField(max_length=300, blank=True)
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


class WebhookMessage(models.Model):
    """The webhook inbox: each provider event stored once, by (provider, event id), then
    processed by an idempotent task. Status queries during reconciliation land here too."""

    class Status(models.TextChoices):
        RECEIVED = "received", pgettext_lazy("webhook message status", "Received")
        PROCESSED = "processed", _("Processed")
        FLAGGED = "flagged", _("Needs attention")
        IGNORED = "ignored", _("Ignored")
        UNMATCHED = "unmatched", _("No matching payment")

    provider = models.CharField(max_length=40)
    event_id = models.CharField(max_length=200)
    kind = models.CharField(max_length=20)
    provider_ref = models.CharField(max_length=120, blank=True)
    payment_ref = models.CharField(max_length=120, blank=True)
    refund_ref = models.CharField(max_length=120, blank=True)
    currency = models.CharField(max_length=3, blank=True)
    amount_amount = AmountField(null=True, blank=True)
    message = models.CharField(max_length=300, blank=True)
    payload = models.JSONField(default=dict)
    status = models.CharField(max_length=12, choices=Status.choices, default=Status.RECEIVED)
    note = models.CharField(max_length=300, blank=True)
    payment = models.ForeignKey(
        Payment, null=True, blank=True, related_name="webhooks", on_delete=models.SET_NULL
    )
    received_at = models.DateTimeField(auto_now_add=True, db_index=True)
    processed_at = models.DateTimeField(null=True, blank=True)

    amount = MoneyAttr("amount_amount")

    class Meta:
        ordering = ["received_at", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["provider", "event_id"], name="webhook_once")
        ]

    def __str__(self) -> str:
        return f"{self.provider} {self.event_id} ({self.status})"
