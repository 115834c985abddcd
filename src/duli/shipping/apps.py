from django.apps import AppConfig


class ShippingConfig(AppConfig):
    name = "duli.shipping"
    label = "shipping"
    verbose_name = "Shipping"
