"""Factories for tax classes and rates.

Migrations seed standard (default), reduced and zero, but tests that flush the database
lose them: call `tax_defaults_ensure()` (duli.tax.services) or use these factories.
`TaxRateFactory(tax_class__code="standard", country="GB", rate=Decimal("20"))`.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import factory

from duli.tax.models import TaxClass, TaxRate


class TaxClassFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = TaxClass
        django_get_or_create = ("code",)

    code = factory.Sequence(lambda n: f"class-{n}")
    name = factory.LazyAttribute(lambda o: o.code.replace("-", " ").title())
    is_default = False
    position = 0

    @classmethod
    def _create(cls, model_class: type[TaxClass], *args: Any, **kwargs: Any) -> TaxClass:
        name = kwargs.pop("name")
        zh_name = kwargs.pop("zh_name", "")
        tax_class = model_class.objects.filter(code=kwargs["code"]).first()
        if tax_class is not None:
            return tax_class
        if kwargs.get("is_default"):
            model_class.objects.filter(is_default=True).update(is_default=False)
        tax_class = model_class(**kwargs)
        tax_class.set_current_language("en")
        tax_class.name = name
        tax_class.save()
        if zh_name:
            tax_class.set_current_language("zh-hans")
            tax_class.name = zh_name
            tax_class.save()
            tax_class.set_current_language("en")
        return tax_class


class TaxRateFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = TaxRate

    tax_class = factory.SubFactory(TaxClassFactory, code="standard", is_default=True)
    country = "GB"
    region = ""
    rate = Decimal("20.000")
