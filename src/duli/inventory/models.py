"""Stock per variant per warehouse, reservations, and the ledger of every movement.

Invariant (DESIGN rule 7): 0 <= reserved <= on_hand on every Stock row, held by database
CHECK constraints as well as by the conditional UPDATEs in `services.py`.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from duli.catalog.models import ProductVariant


class Warehouse(models.Model):
    code = models.SlugField(max_length=40, unique=True)
    name = models.CharField(max_length=120)
    is_default = models.BooleanField(default=False)
    is_active = models.BooleanField(default=True)

    class Meta:
        ordering = ["-is_default", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["is_default"], condition=Q(is_default=True), name="one_default_warehouse"
            )
        ]

    def __str__(self) -> str:
        return self.name


class Stock(models.Model):
    variant = models.ForeignKey(ProductVariant, related_name="stocks", on_delete=models.CASCADE)
    warehouse = models.ForeignKey(Warehouse, related_name="stocks", on_delete=models.PROTECT)
    on_hand = models.IntegerField(default=0)
    reserved = models.IntegerField(default=0)
    low_alert_open = models.BooleanField(default=False)  # set while below threshold

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["variant", "warehouse"], name="stock_once_per_place"),
            models.CheckConstraint(condition=Q(on_hand__gte=0), name="stock_on_hand_gte_0"),
            models.CheckConstraint(condition=Q(reserved__gte=0), name="stock_reserved_gte_0"),
            models.CheckConstraint(
                condition=Q(reserved__lte=F("on_hand")), name="stock_reserved_lte_on_hand"
            ),
        ]

    def __str__(self) -> str:
        return (
            f"{self.variant_id}@{self.warehouse_id}: {self.on_hand} on hand, {self.reserved} held"
        )

    @property
    def available(self) -> int:
        return self.on_hand - self.reserved


class Reservation(models.Model):
    """Units held for a reference (a checkout) until committed, released or expired."""

    class Status(models.TextChoices):
        ACTIVE = "active", _("Active")
        COMMITTED = "committed", _("Committed")
        RELEASED = "released", _("Released")

    reference = models.CharField(max_length=80, db_index=True)
    stock = models.ForeignKey(Stock, related_name="reservations", on_delete=models.CASCADE)
    quantity = models.PositiveIntegerField()
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.ACTIVE)
    expires_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        indexes = [models.Index(fields=["status", "expires_at"], name="reservation_expiry_idx")]

    def __str__(self) -> str:
        return f"{self.reference}: {self.quantity} ({self.status})"


class StockMovement(models.Model):
    """The ledger: one row for every change to on_hand or reserved."""

    class Kind(models.TextChoices):
        RECEIVE = "receive", _("Received")
        ADJUST = "adjust", _("Adjusted")
        RESERVE = "reserve", _("Reserved")
        RELEASE = "release", _("Released")
        COMMIT = "commit", _("Sold")
        RESTOCK = "restock", _("Restocked")

    stock = models.ForeignKey(Stock, related_name="movements", on_delete=models.CASCADE)
    kind = models.CharField(max_length=10, choices=Kind.choices)
    on_hand_delta = models.IntegerField(default=0)
    reserved_delta = models.IntegerField(default=0)
    on_hand_after = models.IntegerField()
    reserved_after = models.IntegerField()
    reason = models.CharField(max_length=200, blank=True)
    reference = models.CharField(max_length=80, blank=True, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL
    )
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return (
            f"{self.kind} {self.on_hand_delta:+d}/{self.reserved_delta:+d} on stock {self.stock_id}"
        )


class LowStockAlert(models.Model):
    """Raised once each time a variant's available stock crosses its threshold downward."""

    stock = models.ForeignKey(Stock, related_name="alerts", on_delete=models.CASCADE)
    available = models.IntegerField()
    threshold = models.IntegerField()
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)
    emailed_at = models.DateTimeField(null=True, blank=True)
    resolved_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"stock {self.stock_id}: {self.available} left (threshold {self.threshold})"
