from decimal import Decimal

import pytest

from duli.catalog.models import Product
from duli.catalog.services import product_tax_class_set
from duli.core.errors import InvalidInput, NotFound
from duli.core.selectors import shop_cache_state
from duli.shipping.models import ShippingMethod
from duli.tax.errors import (
    DefaultTaxClassRequired,
    InvalidTaxRate,
    TaxClassCodeTaken,
    UnknownCountry,
    UnknownRegion,
)
from duli.tax.models import TaxClass, TaxRate
from duli.tax.services import (
    tax_class_create,
    tax_class_delete,
    tax_class_update,
    tax_defaults_ensure,
    tax_rate_delete,
    tax_rate_set,
    tax_rates_examples_ensure,
)
from duli.testing.factories import ProductFactory
from duli.testing.shipping_factories import ShippingMethodFactory
from duli.testing.tax_factories import TaxClassFactory, TaxRateFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def classes():
    return tax_defaults_ensure()


def _codes():
    return list(TaxClass.objects.order_by("position", "id").values_list("code", flat=True))


def test_defaults_are_standard_reduced_zero_with_standard_default():
    assert _codes() == ["standard", "reduced", "zero"]
    assert TaxClass.objects.get(is_default=True).code == "standard"
    zh = TaxClass.objects.get(code="reduced")
    assert zh.safe_translation_getter("name", language_code="zh-hans") == "优惠税率"


def test_defaults_ensure_is_idempotent_and_keeps_merchant_names():
    standard = TaxClass.objects.get(code="standard")
    tax_class_update(tax_class_id=standard.pk, names={"en": "Normal"})
    tax_defaults_ensure()
    tax_defaults_ensure()
    assert TaxClass.objects.count() == 3
    standard = TaxClass.objects.get(code="standard")
    assert standard.safe_translation_getter("name", language_code="en") == "Normal"


def test_defaults_ensure_recreates_after_a_flush():
    TaxClass.objects.all().delete()
    tax_defaults_ensure()
    assert _codes() == ["standard", "reduced", "zero"]
    assert TaxClass.objects.filter(is_default=True).count() == 1


def test_create_class_with_names():
    books = tax_class_create(code="books", names={"en": "Books", "zh-hans": "图书"}, position=5)
    assert books.safe_translation_getter("name", language_code="zh-hans") == "图书"
    assert not books.is_default


def test_create_class_with_taken_code_is_refused():
    with pytest.raises(TaxClassCodeTaken):
        tax_class_create(code="reduced", names={"en": "Again"})
    assert TaxClass.objects.count() == 3


def test_making_a_class_default_moves_the_default():
    reduced = TaxClass.objects.get(code="reduced")
    tax_class_update(tax_class_id=reduced.pk, is_default=True)
    assert list(TaxClass.objects.filter(is_default=True).values_list("code", flat=True)) == [
        "reduced"
    ]


def test_undefaulting_the_default_is_refused():
    standard = TaxClass.objects.get(code="standard")
    with pytest.raises(DefaultTaxClassRequired):
        tax_class_update(tax_class_id=standard.pk, is_default=False, names={"en": "Changed"})
    standard = TaxClass.objects.get(code="standard")
    assert standard.is_default
    assert standard.safe_translation_getter("name", language_code="en") == "Standard rate"


def test_deleting_the_default_class_is_refused():
    standard = TaxClass.objects.get(code="standard")
    with pytest.raises(DefaultTaxClassRequired):
        tax_class_delete(tax_class_id=standard.pk)
    assert TaxClass.objects.filter(pk=standard.pk).exists()


def test_deleting_a_class_removes_its_rates_and_products_fall_back_to_default():
    reduced = TaxClass.objects.get(code="reduced")
    TaxRateFactory(tax_class=reduced, country="DE", rate=Decimal("7"))
    product = ProductFactory()
    product_tax_class_set(product_id=product.pk, tax_class_code="reduced")
    method = ShippingMethodFactory(tax_class=reduced)
    tax_class_delete(tax_class_id=reduced.pk)
    assert not TaxRate.objects.exists()
    assert Product.objects.get(pk=product.pk).tax_class_id is None
    assert ShippingMethod.objects.get(pk=method.pk).tax_class_id is None


def test_rate_set_creates_then_replaces():
    first = tax_rate_set(tax_class_code="standard", country="gb", rate="20")
    again = tax_rate_set(tax_class_code="standard", country="GB", rate=Decimal("17.5"))
    assert first.pk == again.pk
    assert TaxRate.objects.get().rate == Decimal("17.500")
    assert TaxRate.objects.get().country == "GB"


def test_rate_set_for_a_region():
    rate = tax_rate_set(tax_class_code="standard", country="US", region="us-ca", rate="7.25")
    assert (rate.country, rate.region, rate.rate) == ("US", "US-CA", Decimal("7.250"))


def test_rate_changes_bump_the_page_cache_version():
    before = shop_cache_state()[0]
    tax_rate_set(tax_class_code="standard", country="GB", rate="20")
    assert shop_cache_state()[0] > before


@pytest.mark.parametrize(
    ("country", "region", "rate", "error"),
    [
        ("XX", "", "20", UnknownCountry),
        ("US", "US-ZZ", "5", UnknownRegion),
        ("US", "CN-GD", "5", UnknownRegion),
        ("GB", "", "-1", InvalidTaxRate),
        ("GB", "", "100.5", InvalidTaxRate),
        ("GB", "", "twenty", InvalidTaxRate),
        ("GB", "", "7.2555", InvalidTaxRate),
    ],
)
def test_bad_rate_input_is_refused_and_nothing_written(country, region, rate, error):
    with pytest.raises(error):
        tax_rate_set(tax_class_code="standard", country=country, region=region, rate=rate)
    assert not TaxRate.objects.exists()


def test_rate_for_unknown_class_is_refused():
    with pytest.raises(NotFound):
        tax_rate_set(tax_class_code="luxury", country="GB", rate="20")


def test_rate_delete():
    rate = tax_rate_set(tax_class_code="standard", country="GB", rate="20")
    tax_rate_delete(tax_rate_id=rate.pk)
    assert not TaxRate.objects.exists()
    with pytest.raises(NotFound):
        tax_rate_delete(tax_rate_id=rate.pk)


def test_example_rates_are_added_once_and_only_to_an_empty_table():
    assert tax_rates_examples_ensure() == 13
    assert tax_rates_examples_ensure() == 0
    assert TaxRate.objects.get(country="US", region="US-CA").rate == Decimal("7.250")
    assert TaxRate.objects.get(country="FR", tax_class__code="reduced").rate == Decimal("5.500")


def test_example_rates_leave_a_shop_with_rates_alone():
    TaxRateFactory(tax_class=TaxClass.objects.get(code="standard"), country="NL", rate=21)
    assert tax_rates_examples_ensure() == 0
    assert TaxRate.objects.count() == 1


def test_product_tax_class_set_and_clear():
    product = ProductFactory()
    product_tax_class_set(product_id=product.pk, tax_class_code="zero")
    assert Product.objects.get(pk=product.pk).tax_class.code == "zero"
    product_tax_class_set(product_id=product.pk, tax_class_code=None)
    assert Product.objects.get(pk=product.pk).tax_class_id is None


def test_product_tax_class_set_refuses_unknown_class():
    product = ProductFactory()
    with pytest.raises(InvalidInput):
        product_tax_class_set(product_id=product.pk, tax_class_code="nope")


def test_factory_default_class_takes_over():
    TaxClassFactory(code="custom", is_default=True)
    assert TaxClass.objects.get(is_default=True).code == "custom"
