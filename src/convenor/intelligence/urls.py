from convenor.core.routing import pages

from . import views

app_name = "intelligence"

urlpatterns = [
    *pages(
        "",
        ("", views.report_list, "reports"),
        ("new/", views.report_create),
    ),
    *pages(
        "<int:pk>/",
        ("", views.report_detail, "report"),
        ("acknowledge/", views.report_acknowledge),
        ("print/", views.report_print),
        ("export.json", views.report_export),
        ("disseminate/", views.report_disseminate),
        ("sanitise/", views.report_sanitise),
        ("attachments/", views.report_attachment_add),
        ("attachments/<int:attachment_pk>/", views.report_attachment),
        ("subjects/<int:subject_pk>/link/", views.report_subject_link),
        ("requests/", views.report_question),
        ("requests/<int:request_pk>/answer/", views.report_answer),
    ),
    *pages(
        "triage/",
        ("", views.triage_list, "triage"),
        ("<int:pk>/", views.triage_detail, "submission"),
        (
            "<int:pk>/attachments/<int:attachment_pk>/",
            views.triage_attachment,
            "submission_attachment",
        ),
    ),
    # Public: the anonymous reporting channels (no account, no cookie).
    *pages(
        "report/",
        ("", views.anonymous_channels),
        ("follow-up/", views.anonymous_follow_up),
        ("<slug:slug>/", views.anonymous_form),
    ),
]
