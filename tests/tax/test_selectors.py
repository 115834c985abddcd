from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from duli.tax.models import TaxClass
from duli.tax.selectors import (
    TaxTable,
    tax_class_choices,
    tax_rates_by_country,
    tax_rates_for,
)
from duli.tax.services import tax_defaults_ensure, tax_rate_set, tax_rates_examples_ensure

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def classes():
    tax_defaults_ensure()


def test_rates_are_fractions_per_class():
    tax_rate_set(tax_class_code="standard", country="GB", rate="20")
    tax_rate_set(tax_class_code="reduced", country="GB", rate="5")
    table = tax_rates_for(country="GB")
    assert table.rate("standard") == Decimal("0.2")
    assert table.rate("reduced") == Decimal("0.05")
    assert table.rate("zero") == Decimal(0)


def test_none_class_means_the_default_class():
    tax_rate_set(tax_class_code="standard", country="DE", rate="19")
    tax_rate_set(tax_class_code="reduced", country="DE", rate="7")
    assert tax_rates_for(country="DE").rate(None) == Decimal("0.19")
    reduced = TaxClass.objects.get(code="reduced")
    TaxClass.objects.update(is_default=False)
    TaxClass.objects.filter(pk=reduced.pk).update(is_default=True)
    assert tax_rates_for(country="DE").rate(None) == Decimal("0.07")


def test_region_row_beats_country_row():
    tax_rate_set(tax_class_code="standard", country="US", rate="2")
    tax_rate_set(tax_class_code="standard", country="US", region="US-CA", rate="7.25")
    assert tax_rates_for(country="US", region="US-CA").rate("standard") == Decimal("0.0725")
    assert tax_rates_for(country="US", region="US-NY").rate("standard") == Decimal("0.02")
    assert tax_rates_for(country="US").rate("standard") == Decimal("0.02")


def test_no_row_means_no_tax():
    tax_rate_set(tax_class_code="standard", country="GB", rate="20")
    assert tax_rates_for(country="JP").rate("standard") == Decimal(0)
    assert tax_rates_for(country="GB").rate("unknown-class") == Decimal(0)


def test_lowercase_destination_is_accepted():
    tax_rate_set(tax_class_code="standard", country="US", region="US-CA", rate="7.25")
    assert tax_rates_for(country="us", region="us-ca").rate(None) == Decimal("0.0725")


def test_no_classes_at_all_gives_zero():
    TaxClass.objects.all().delete()
    assert tax_rates_for(country="GB").rate(None) == Decimal(0)


def test_rates_for_is_one_query_whatever_the_number_of_classes():
    tax_rates_examples_ensure()
    with CaptureQueriesContext(connection) as queries:
        table = tax_rates_for(country="US", region="US-CA")
    assert len(queries) == 1
    assert table.default_class_code == "standard"


def test_tax_table_is_frozen():
    table = TaxTable(country="GB", region="", default_class_code="standard", rates={})
    with pytest.raises(AttributeError):
        table.country = "DE"  # type: ignore[misc]


def test_class_choices_put_the_default_first():
    tax_rate_set(tax_class_code="standard", country="GB", rate="20")
    assert tax_class_choices() == [
        ("standard", "Standard rate"),
        ("reduced", "Reduced rate"),
        ("zero", "Zero rate"),
    ]


def test_rates_grouped_by_country_name():
    tax_rates_examples_ensure()
    groups = tax_rates_by_country(language="en")
    names = [g.name for g in groups]
    assert names == sorted(names, key=str.casefold)
    us = next(g for g in groups if g.country == "US")
    assert [(r.region, r.region_name, r.percent_text) for r in us.rows] == [
        ("US-CA", "California", "7.25"),
        ("US-NY", "New York", "4"),
    ]
