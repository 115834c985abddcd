from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "duli.core"
    label = "core"
    verbose_name = "Core"
