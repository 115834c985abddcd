from django.apps import AppConfig


class CustomersConfig(AppConfig):
    name = "duli.customers"
    label = "customers"
    verbose_name = "Customers"
