from importlib import import_module

from django.apps import AppConfig


class CatalogConfig(AppConfig):
    name = "duli.catalog"
    label = "catalog"
    verbose_name = "Catalogue"

    def import_models(self) -> None:
        super().import_models()
        # The search index model lives with the rest of search; load it with the app's models.
        import_module("duli.catalog.search.models")

    def ready(self) -> None:
        from duli.catalog.search import handlers  # noqa: F401  (keeps the search index in step)
