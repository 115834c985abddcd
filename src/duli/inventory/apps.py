from django.apps import AppConfig


class InventoryConfig(AppConfig):
    name = "duli.inventory"
    label = "inventory"
    verbose_name = "Inventory"

    def ready(self) -> None:
        from duli.inventory import handlers  # noqa: F401  (subscribes to domain events)
