from django.apps import AppConfig


class OrdersConfig(AppConfig):
    name = "duli.orders"
    label = "orders"
    verbose_name = "Orders"

    def ready(self) -> None:
        from duli.orders import notifications  # noqa: F401  (subscribes to domain events)
