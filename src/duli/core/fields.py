"""Model fields shared by every app."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.db import models

from duli.core.html import sanitize_html
from duli.core.money import Money


class SanitizedHTMLField(models.TextField):
    """Rich text that is cleaned every time it is saved, whatever path wrote it."""

    def pre_save(self, model_instance: models.Model, add: bool) -> Any:
        value = sanitize_html(getattr(model_instance, self.attname) or "")
        setattr(model_instance, self.attname, value)
        return value


def AmountField(verbose_name: Any = None, **kwargs: Any) -> models.DecimalField:
    """An amount column (DESIGN rule 4): DecimalField(20, 4); the row carries `currency`."""
    if verbose_name is not None:
        kwargs["verbose_name"] = verbose_name
    kwargs.setdefault("max_digits", 20)
    kwargs.setdefault("decimal_places", 4)
    return models.DecimalField(**kwargs)


class MoneyAttr:
    """`price = MoneyAttr("price_amount")` exposes two columns as one Money value."""

    def __init__(self, amount_field: str, currency_field: str = "currency") -> None:
        self.amount_field = amount_field
        self.currency_field = currency_field

    def __get__(self, instance: Any, owner: type | None = None) -> Any:
        if instance is None:
            return self
        amount = getattr(instance, self.amount_field)
        if amount is None:
            return None
        return Money(Decimal(amount), getattr(instance, self.currency_field))

    def __set__(self, instance: Any, value: Money | None) -> None:
        if value is None:
            setattr(instance, self.amount_field, None)
            return
        setattr(instance, self.amount_field, value.amount)
        setattr(instance, self.currency_field, value.currency)


class TimeStamped(models.Model):
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        abstract = True
