"""Shipping: zones (where), methods with their prices (how, for how much), carriers.

A zone lists countries (ISO 3166-1 alpha-2) and, optionally, the regions (ISO 3166-2,
"US-CA") it is narrowed to. A method belongs to one zone and prices a parcel flat, by
weight tiers or by order-value tiers, or is a pick-up point. Amounts follow DESIGN rule 4.
"""

from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from parler.models import TranslatableModel, TranslatedFields

from duli.core.fields import AmountField, MoneyAttr, TimeStamped


class ShippingZone(TimeStamped):
    name = models.CharField(_("name"), max_length=120)
    countries = models.JSONField(_("countries"), default=list)
    regions = models.JSONField(_("regions"), default=list, blank=True)
    position = models.IntegerField(_("position"), default=0)

    class Meta:
        ordering = ["position", "id"]

    def __str__(self) -> str:
        return self.name


class ShippingMethodKind(models.TextChoices):
    FLAT = "flat", _("Flat rate")
    WEIGHT = "weight", _("By weight")
    PRICE = "price", _("By order value")
    PICKUP = "pickup", _("Local pickup")


class ShippingMethod(TranslatableModel, TimeStamped):
    """One way to get an order to a zone. `price_amount` is used by flat and pickup
    methods; weight and price methods take the price of their matching tier."""

    zone = models.ForeignKey(ShippingZone, related_name="methods", on_delete=models.CASCADE)
    kind = models.CharField(
        _("kind"), max_length=10, choices=ShippingMethodKind.choices, default="flat"
    )
    currency = models.CharField(max_length=3)
    price_amount = AmountField(_("price"), default=0)
    free_over_amount = AmountField(_("free over"), null=True, blank=True)
    min_order_amount = AmountField(_("minimum order"), null=True, blank=True)
    max_order_amount = AmountField(_("maximum order"), null=True, blank=True)
    pickup_address = models.TextField(_("pickup address"), blank=True)
    tax_class = models.ForeignKey(
        "tax.TaxClass", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    is_active = models.BooleanField(_("active"), default=True)
    position = models.IntegerField(_("position"), default=0)

    translations = TranslatedFields(
        name=models.CharField(_("name"), max_length=120),
        description=models.TextField(_("description"), blank=True),
        delivery_estimate=models.CharField(_("delivery estimate"), max_length=80, blank=True),
    )

    price = MoneyAttr("price_amount")
    free_over = MoneyAttr("free_over_amount")
    min_order = MoneyAttr("min_order_amount")
    max_order = MoneyAttr("max_order_amount")

    class Meta:
        ordering = ["position", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(price_amount__gte=0), name="shipping_method_price_gte_0"
            ),
            models.CheckConstraint(
                condition=Q(free_over_amount__isnull=True) | Q(free_over_amount__gte=0),
                name="shipping_method_free_over_gte_0",
            ),
        ]
        indexes = [models.Index(fields=["is_active", "currency"], name="shipping_method_live_idx")]

    def __str__(self) -> str:
        return str(self.safe_translation_getter("name", any_language=True) or self.kind)


class ShippingRate(models.Model):
    """A tier of a weight- or value-based method: up to `up_to` (grams, or an amount in the
    method's currency) the parcel costs `price_amount`."""

    method = models.ForeignKey(ShippingMethod, related_name="rates", on_delete=models.CASCADE)
    up_to = models.DecimalField(_("up to"), max_digits=20, decimal_places=4)
    price_amount = AmountField(_("price"))

    class Meta:
        ordering = ["up_to", "id"]
        constraints = [
            models.UniqueConstraint(fields=["method", "up_to"], name="shipping_rate_tier_once"),
            models.CheckConstraint(
                condition=Q(price_amount__gte=0) & Q(up_to__gte=0), name="shipping_rate_gte_0"
            ),
        ]

    def __str__(self) -> str:
        return f"≤ {self.up_to}: {self.price_amount}"


class Carrier(TimeStamped):
    """Who carries parcels, and where a shopper follows one ({number} is the tracking
    number)."""

    name = models.CharField(_("name"), max_length=120)
    code = models.SlugField(_("code"), max_length=40, unique=True)
    tracking_url_template = models.CharField(_("tracking link"), max_length=500)
    position = models.IntegerField(_("position"), default=0)

    class Meta:
        ordering = ["position", "name"]

    def __str__(self) -> str:
        return self.name
