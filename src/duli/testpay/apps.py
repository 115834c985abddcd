from django.apps import AppConfig


class TestPayConfig(AppConfig):
    name = "duli.testpay"
    label = "testpay"
    verbose_name = "Duli Test Pay"
