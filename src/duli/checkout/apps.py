from django.apps import AppConfig


class CheckoutConfig(AppConfig):
    name = "duli.checkout"
    label = "checkout"
    verbose_name = "Checkout"
