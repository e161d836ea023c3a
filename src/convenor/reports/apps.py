from django.apps import AppConfig


class ReportsConfig(AppConfig):
    """No models: templates and static files for printable reports (PDF) and charts."""

    name = "convenor.reports"
    label = "reports"
    verbose_name = "Reports: PDF and charts"
