"""Orders: what was bought, at which prices, taxes and addresses — a snapshot that never
changes when the catalogue does (DESIGN rule 4) — and everything that happened to it."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from duli.core.fields import AmountField, MoneyAttr, TimeStamped
from duli.orders.states import (
    FulfillmentStatus,
    OrderStatus,
    PaymentStatus,
    ReturnStatus,
    ShipmentStatus,
)


class Order(TimeStamped):
    number = models.CharField(max_length=20, unique=True)
    checkout_token = models.UUIDField(unique=True, null=True, blank=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        related_name="orders",
        on_delete=models.SET_NULL,
    )
    email = models.EmailField(db_index=True)
    language = models.CharField(max_length=10, default="en")
    status = models.CharField(
        max_length=20, choices=OrderStatus.choices, default=OrderStatus.PENDING, db_index=True
    )
    payment_status = models.CharField(
        max_length=20, choices=PaymentStatus.choices, default=PaymentStatus.UNPAID, db_index=True
    )
    fulfillment_status = models.CharField(
        max_length=20,
        choices=FulfillmentStatus.choices,
        default=FulfillmentStatus.UNFULFILLED,
        db_index=True,
    )
    currency = models.CharField(max_length=3)
    prices_include_tax = models.BooleanField()
    subtotal_amount = AmountField()  # line amounts as entered
    discount_amount = AmountField(default=0)
    shipping_amount = AmountField(default=0)  # as entered, after shipping discounts
    shipping_net_amount = AmountField(default=0)
    shipping_tax_amount = AmountField(default=0)
    shipping_tax_rate = models.DecimalField(max_digits=7, decimal_places=6, default=0)
    net_amount = AmountField()
    tax_amount = AmountField()
    total_amount = AmountField()
    paid_amount = AmountField(default=0)
    refunded_amount = AmountField(default=0)
    discounts = models.JSONField(default=list, blank=True)  # [{label, code, scope, amount}]
    shipping_address = models.JSONField(default=dict)
    billing_address = models.JSONField(default=dict)
    shipping_method_id = models.PositiveBigIntegerField(null=True, blank=True)
    shipping_method_name = models.CharField(max_length=120, blank=True)
    is_pickup = models.BooleanField(default=False)
    pickup_address = models.TextField(blank=True)  # where a pickup order is collected
    payment_method = models.CharField(max_length=40)
    customer_note = models.TextField(blank=True)
    weight_grams = models.PositiveIntegerField(default=0)
    expires_at = models.DateTimeField(null=True, blank=True)  # unpaid: auto-cancel after
    canceled_at = models.DateTimeField(null=True, blank=True)

    subtotal = MoneyAttr("subtotal_amount")
    discount = MoneyAttr("discount_amount")
    shipping = MoneyAttr("shipping_amount")
    shipping_net = MoneyAttr("shipping_net_amount")
    shipping_tax = MoneyAttr("shipping_tax_amount")
    net = MoneyAttr("net_amount")
    tax = MoneyAttr("tax_amount")
    total = MoneyAttr("total_amount")
    paid = MoneyAttr("paid_amount")
    refunded = MoneyAttr("refunded_amount")

    class Meta:
        ordering = ["-created_at", "-pk"]
        indexes = [
            models.Index(fields=["status", "expires_at"], name="order_unpaid_expiry_idx"),
            models.Index(fields=["user", "-created_at"], name="order_user_recent_idx"),
        ]

    def __str__(self) -> str:
        return self.number


class OrderLine(models.Model):
    order = models.ForeignKey(Order, related_name="lines", on_delete=models.CASCADE)
    variant = models.ForeignKey(
        "catalog.ProductVariant", null=True, blank=True, related_name="+", on_delete=models.SET_NULL
    )
    product_id_snapshot = models.PositiveBigIntegerField(null=True, blank=True)
    product_name = models.CharField(max_length=255)
    variant_name = models.CharField(max_length=255, blank=True)
    sku = models.CharField(max_length=64)
    quantity = models.PositiveIntegerField()
    quantity_fulfilled = models.PositiveIntegerField(default=0)
    quantity_returned = models.PositiveIntegerField(default=0)
    quantity_restocked = models.PositiveIntegerField(default=0)  # put back on hand, any cause
    currency = models.CharField(max_length=3)
    unit_price_amount = AmountField()  # as entered
    amount_amount = AmountField()  # unit price × quantity, rounded
    discount_amount = AmountField(default=0)
    net_amount = AmountField()
    tax_amount = AmountField()
    gross_amount = AmountField()
    tax_rate = models.DecimalField(max_digits=7, decimal_places=6)
    tax_class = models.CharField(max_length=40, blank=True)
    weight_grams = models.PositiveIntegerField(default=0)

    unit_price = MoneyAttr("unit_price_amount")
    amount = MoneyAttr("amount_amount")
    discount = MoneyAttr("discount_amount")
    net = MoneyAttr("net_amount")
    tax = MoneyAttr("tax_amount")
    gross = MoneyAttr("gross_amount")

    class Meta:
        ordering = ["pk"]

    def __str__(self) -> str:
        return f"{self.quantity} × {self.sku}"

    @property
    def quantity_unfulfilled(self) -> int:
        return self.quantity - self.quantity_fulfilled


class OrderEvent(models.Model):
    """The timeline: one row per thing that happened to an order, with who did it."""

    class Kind(models.TextChoices):
        PLACED = "placed", _("Order placed")
        STATUS = "status", _("Status changed")
        PAYMENT_STATUS = "payment_status", _("Payment status changed")
        FULFILLMENT_STATUS = "fulfillment_status", _("Fulfilment status changed")
        PAID = "paid", _("Payment received")
        FULFILLED = "fulfilled", _("Shipped")
        DELIVERED = "delivered", _("Delivered")
        CANCELED = "canceled", _("Canceled")
        REFUNDED = "refunded", _("Refunded")
        RESTOCKED = "restocked", _("Restocked")
        NOTE = "note", _("Note")
        ADDRESS_CHANGED = "address_changed", _("Shipping address changed")
        RETURN = "return", _("Return")
        EMAIL_SENT = "email_sent", _("Email sent")
        PAYMENT_FAILED = "payment_failed", _("Payment failed")
        PAYMENT_FLAGGED = "payment_flagged", _("Payment needs attention")
        REFUND_FAILED = "refund_failed", _("Refund failed")
        PAYMENT_METHOD = "payment_method", _("Payment method changed")

    order = models.ForeignKey(Order, related_name="events", on_delete=models.CASCADE)
    kind = models.CharField(max_length=20, choices=Kind.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL
    )
    actor_kind = models.CharField(max_length=10, default="system")  # staff, customer, system
    actor_label = models.CharField(max_length=254, blank=True)
    data = models.JSONField(default=dict, blank=True)
    is_internal = models.BooleanField(default=False)  # staff-only (notes)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at", "pk"]

    def __str__(self) -> str:
        return f"{self.order_id}: {self.kind}"


class Fulfillment(TimeStamped):
    """One parcel: some lines of an order, its carrier and tracking number."""

    order = models.ForeignKey(Order, related_name="fulfillments", on_delete=models.CASCADE)
    sequence = models.PositiveIntegerField()
    status = models.CharField(
        max_length=20, choices=ShipmentStatus.choices, default=ShipmentStatus.SHIPPED
    )
    carrier_code = models.CharField(max_length=40, blank=True)
    carrier_name = models.CharField(max_length=80, blank=True)
    tracking_number = models.CharField(max_length=80, blank=True)
    tracking_url = models.URLField(max_length=500, blank=True)
    delivered_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["sequence"]
        constraints = [
            models.UniqueConstraint(fields=["order", "sequence"], name="fulfillment_seq_uniq")
        ]

    def __str__(self) -> str:
        return f"{self.order_id}-F{self.sequence}"


class FulfillmentLine(models.Model):
    fulfillment = models.ForeignKey(Fulfillment, related_name="lines", on_delete=models.CASCADE)
    order_line = models.ForeignKey(OrderLine, related_name="+", on_delete=models.CASCADE)
    quantity = models.PositiveIntegerField()

    def __str__(self) -> str:
        return f"{self.quantity} × line {self.order_line_id}"


class Return(TimeStamped):
    """A return (RMA): asked for by the shopper, approved, received and refunded."""

    order = models.ForeignKey(Order, related_name="returns", on_delete=models.CASCADE)
    sequence = models.PositiveIntegerField()
    status = models.CharField(
        max_length=20, choices=ReturnStatus.choices, default=ReturnStatus.REQUESTED
    )
    reason = models.CharField(max_length=40)
    customer_note = models.TextField(blank=True)
    merchant_note = models.TextField(blank=True)
    refund_currency = models.CharField(max_length=3, blank=True)
    refund_amount = AmountField(default=0)

    refund = MoneyAttr("refund_amount", "refund_currency")

    class Meta:
        ordering = ["sequence"]
        constraints = [
            models.UniqueConstraint(fields=["order", "sequence"], name="return_seq_uniq")
        ]

    def __str__(self) -> str:
        return f"{self.order_id}-R{self.sequence}"


class ReturnLine(models.Model):
    return_request = models.ForeignKey(Return, related_name="lines", on_delete=models.CASCADE)
    order_line = models.ForeignKey(OrderLine, related_name="+", on_delete=models.CASCADE)
    quantity = models.PositiveIntegerField()

    def __str__(self) -> str:
        return f"{self.quantity} × line {self.order_line_id}"
