from django.urls import path

from . import views

app_name = "threat"
urlpatterns = [
    path("datasets/", views.dataset_list, name="datasets"),
    path("datasets/new/", views.dataset_create, name="dataset_create"),
    path("datasets/<int:pk>/", views.dataset_detail, name="dataset"),
    path("datasets/<int:pk>/import/", views.upload, name="upload"),
    path("datasets/<int:pk>/mapping.yaml", views.dataset_mapping, name="dataset_mapping"),
    path("datasets/<int:pk>/imports/<int:import_pk>/", views.import_detail, name="import"),
    path("datasets/<int:pk>/imports/<int:import_pk>/columns/", views.mapping, name="mapping"),
    path(
        "datasets/<int:pk>/imports/<int:import_pk>/progress.json",
        views.import_progress,
        name="import_progress",
    ),
    path("records/<int:pk>/", views.record_detail, name="record"),
    path("entities/<int:pk>/", views.entity_detail, name="entity"),
    path("entities/<int:pk>/merge/", views.entity_merge, name="entity_merge"),
    path("entities/<int:pk>/split/", views.entity_split, name="entity_split"),
    path("links/", views.link_list, name="links"),
    path("links/<int:pk>/", views.link_detail, name="link"),
    path("linkage/", views.linkage_start, name="linkage_start"),
    path("linkage/<int:pk>/", views.linkage_run, name="linkage_run"),
    path("linkage/<int:pk>/progress.json", views.linkage_progress, name="linkage_progress"),
    path("network/", views.network, name="network"),
    path("network.csv", views.network_export, {"fmt": "csv"}, name="network_csv"),
    path("network.json", views.network_export, {"fmt": "json"}, name="network_json"),
]
