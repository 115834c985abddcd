from django.apps import AppConfig


class OrdersConfig(AppConfig):
    name = "duli.orders"
    label = "orders"
    verbose_name = "Orders"

    def ready(self) -> None:
        from duli.orders import handlers, notifications  # noqa: F401  (subscribe to events)
