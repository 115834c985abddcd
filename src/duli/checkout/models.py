"""The cart is an open checkout: lines, then email, addresses, shipping and payment choices.

A checkout belongs to a signed-in shopper, or to a guest through the id kept in their
session. It is COMPLETED once an order was placed from it; `orders.Order.checkout_token`
points back here, unique, so one checkout can never become two orders.
"""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from duli.core.fields import TimeStamped


class Checkout(TimeStamped):
    class Status(models.TextChoices):
        OPEN = "open", _("Open")
        COMPLETED = "completed", _("Completed")

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        related_name="checkouts",
        on_delete=models.CASCADE,
    )
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.OPEN)
    currency = models.CharField(max_length=3)
    language = models.CharField(max_length=10, default="en")
    email = models.EmailField(blank=True)
    shipping_address = models.JSONField(default=dict, blank=True)  # customers.AddressData
    billing_address = models.JSONField(default=dict, blank=True)  # empty: same as shipping
    shipping_method_id = models.PositiveBigIntegerField(null=True, blank=True)
    payment_method = models.CharField(max_length=40, blank=True)
    customer_note = models.TextField(blank=True)
    voucher_codes = models.JSONField(default=list, blank=True)  # promotions hook

    class Meta:
        indexes = [models.Index(fields=["user", "status"], name="checkout_user_status_idx")]

    def __str__(self) -> str:
        return f"checkout {self.pk}"


class CheckoutLine(models.Model):
    checkout = models.ForeignKey(Checkout, related_name="lines", on_delete=models.CASCADE)
    variant = models.ForeignKey(
        "catalog.ProductVariant", related_name="+", on_delete=models.CASCADE
    )
    quantity = models.PositiveIntegerField()
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["checkout", "variant"], name="checkout_line_uniq")
        ]

    def __str__(self) -> str:
        return f"{self.quantity} × variant {self.variant_id}"
