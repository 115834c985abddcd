from django.apps import AppConfig


class TaxConfig(AppConfig):
    name = "duli.tax"
    label = "tax"
    verbose_name = "Tax"
