from convenor.core.routing import pages

from . import views

app_name = "profiles"

urlpatterns = [
    *pages(
        "",
        ("", views.profile_list, "list"),
        ("new/", views.profile_create, "create"),
    ),
    *pages(
        "public/",
        ("", views.public_summary_list, "public_summaries"),
        ("<int:summary_pk>/", views.public_summary),
        ("<int:summary_pk>/summary.pdf", views.public_summary_pdf),
        ("<int:summary_pk>/publish/", views.summary_publish),
    ),
    *pages(
        "<int:pk>/",
        ("", views.profile_detail, "profile"),
        ("compare/", views.compare),
    ),
    *pages(
        "<int:pk>/versions/<int:number>/",
        ("", views.version_detail, "version"),
        ("profile.pdf", views.version_pdf),
        ("status.json", views.version_status),
        ("opportunities/<int:item>/action/", views.opportunity_action),
        ("public-summary/", views.summary_prepare),
    ),
]
