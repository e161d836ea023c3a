from django.urls import path

from . import views

app_name = "profiles"

urlpatterns = [
    path("", views.profile_list, name="list"),
    path("new/", views.profile_create, name="create"),
    path("public/", views.public_summary_list, name="public_summaries"),
    path("public/<int:summary_pk>/", views.public_summary, name="public_summary"),
    path(
        "public/<int:summary_pk>/summary.pdf", views.public_summary_pdf, name="public_summary_pdf"
    ),
    path("public/<int:summary_pk>/publish/", views.summary_publish, name="summary_publish"),
    path("<int:pk>/", views.profile_detail, name="profile"),
    path("<int:pk>/compare/", views.compare, name="compare"),
    path("<int:pk>/versions/<int:number>/", views.version_detail, name="version"),
    path("<int:pk>/versions/<int:number>/profile.pdf", views.version_pdf, name="version_pdf"),
    path("<int:pk>/versions/<int:number>/status.json", views.version_status, name="version_status"),
    path(
        "<int:pk>/versions/<int:number>/opportunities/<int:item>/action/",
        views.opportunity_action,
        name="opportunity_action",
    ),
    path(
        "<int:pk>/versions/<int:number>/public-summary/",
        views.summary_prepare,
        name="summary_prepare",
    ),
]
