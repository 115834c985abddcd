from django.apps import AppConfig


class OrdersConfig(AppConfig):
    name = "duli.orders"
    label = "orders"
    verbose_name = "Orders"
