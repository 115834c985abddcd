"""Tax classes (standard, reduced, zero …) and their rates per country and region.

A product or shipping method names a class (none = the default class); the rate that
applies is looked up for the destination: a row for its region (ISO 3166-2, "US-CA")
beats the country-wide row, and no row means no tax. Rates are percentages (20.000).
"""

from __future__ import annotations

from decimal import Decimal

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from parler.models import TranslatableModel, TranslatedFields


class TaxClass(TranslatableModel):
    """A kind of goods taxed alike. Exactly one class is the default."""

    code = models.SlugField(_("code"), max_length=40, unique=True)
    is_default = models.BooleanField(_("default"), default=False)
    position = models.IntegerField(_("position"), default=0)

    translations = TranslatedFields(name=models.CharField(_("name"), max_length=80))

    class Meta:
        ordering = ["position", "id"]
        verbose_name = _("tax class")
        verbose_name_plural = _("tax classes")
        constraints = [
            models.UniqueConstraint(
                fields=["is_default"], condition=Q(is_default=True), name="tax_class_one_default"
            )
        ]

    def __str__(self) -> str:
        return str(self.safe_translation_getter("name", any_language=True) or self.code)


class TaxRate(models.Model):
    """The percentage charged on a class in a country, or in one region of it."""

    tax_class = models.ForeignKey(TaxClass, related_name="rates", on_delete=models.CASCADE)
    country = models.CharField(_("country"), max_length=2)
    region = models.CharField(_("region"), max_length=10, blank=True)
    rate = models.DecimalField(
        _("rate (%)"),
        max_digits=6,
        decimal_places=3,
        validators=[MinValueValidator(Decimal(0)), MaxValueValidator(Decimal(100))],
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["country", "region", "tax_class__position", "tax_class_id"]
        constraints = [
            models.UniqueConstraint(
                fields=["tax_class", "country", "region"], name="tax_rate_once_per_place"
            ),
            models.CheckConstraint(
                condition=Q(rate__gte=0) & Q(rate__lte=100), name="tax_rate_between_0_and_100"
            ),
        ]
        indexes = [models.Index(fields=["country", "region"], name="tax_rate_place_idx")]

    def __str__(self) -> str:
        return f"{self.region or self.country}: {self.rate}%"

    @property
    def fraction(self) -> Decimal:
        return self.rate / 100
