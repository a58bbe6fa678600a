from django.apps import AppConfig


class DemoConfig(AppConfig):
    name = "dualtrack.demo"
    label = "demo"
    verbose_name = "demo"
