from django.apps import AppConfig


class StorefrontConfig(AppConfig):
    name = "duli.storefront"
    label = "storefront"

    def ready(self) -> None:
        from duli.storefront import signals

        signals.connect()
