from django.apps import AppConfig


class PaymentsConfig(AppConfig):
    name = "duli.payments"
    label = "payments"
    verbose_name = "Payments"
