from django.apps import AppConfig


class CatalogConfig(AppConfig):
    name = "duli.catalog"
    label = "catalog"
    verbose_name = "Catalogue"
