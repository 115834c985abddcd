from django.apps import AppConfig


class DashboardConfig(AppConfig):
    name = "duli.dashboard"
    label = "dashboard"
