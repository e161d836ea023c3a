from django.apps import AppConfig


class OpsConfig(AppConfig):
    name = "convenor.ops"
    label = "ops"
    verbose_name = "Operations: background jobs, workers, health, backup"
