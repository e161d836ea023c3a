from django.urls import path

from convenor.core.routing import pages

from . import views

app_name = "threat"
urlpatterns = [
    *pages(
        "datasets/",
        ("", views.dataset_list, "datasets"),
        ("new/", views.dataset_create),
        ("<int:pk>/", views.dataset_detail, "dataset"),
    ),
    *pages(
        "datasets/<int:pk>/", ("import/", views.upload), ("mapping.yaml", views.dataset_mapping)
    ),
    *pages(
        "datasets/<int:pk>/imports/<int:import_pk>/",
        ("", views.import_detail, "import"),
        ("columns/", views.mapping),
        ("progress.json", views.import_progress),
    ),
    *pages("records/", ("<int:pk>/", views.record_detail, "record")),
    *pages(
        "entities/<int:pk>/",
        ("", views.entity_detail, "entity"),
        ("merge/", views.entity_merge),
        ("split/", views.entity_split),
    ),
    *pages("links/", ("", views.link_list, "links"), ("<int:pk>/", views.link_detail, "link")),
    *pages(
        "linkage/",
        ("", views.linkage_start),
        ("<int:pk>/", views.linkage_run),
        ("<int:pk>/progress.json", views.linkage_progress),
    ),
    path("network/", views.network, name="network"),
    path("network.csv", views.network_export, {"fmt": "csv"}, name="network_csv"),
    path("network.json", views.network_export, {"fmt": "json"}, name="network_json"),
]
