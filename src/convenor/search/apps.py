from django.apps import AppConfig


class SearchConfig(AppConfig):
    name = "convenor.search"
    label = "search"
    verbose_name = "Search across entities, records, groups and intelligence"
    url_prefix = "search"
    # The search box in the header leads here; no menu entry of its own.
    navigation: list = []
