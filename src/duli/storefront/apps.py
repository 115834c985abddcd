from django.apps import AppConfig


class StorefrontConfig(AppConfig):
    name = "duli.storefront"
    label = "storefront"
