from django.apps import AppConfig


class InventoryConfig(AppConfig):
    name = "duli.inventory"
    label = "inventory"
    verbose_name = "Inventory"
