from django.apps import AppConfig


class DemoConfig(AppConfig):
    name = "duli.demo"
    label = "demo"
    verbose_name = "Demo data"
