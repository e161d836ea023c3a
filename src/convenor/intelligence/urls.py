from django.urls import path

from . import views

app_name = "intelligence"

urlpatterns = [
    path("", views.report_list, name="reports"),
    path("new/", views.report_create, name="report_create"),
    path("<int:pk>/", views.report_detail, name="report"),
    path("<int:pk>/acknowledge/", views.report_acknowledge, name="report_acknowledge"),
    path("<int:pk>/print/", views.report_print, name="report_print"),
    path("<int:pk>/export.json", views.report_export, name="report_export"),
    path("<int:pk>/disseminate/", views.report_disseminate, name="report_disseminate"),
    path("<int:pk>/sanitise/", views.report_sanitise, name="report_sanitise"),
    path("<int:pk>/attachments/", views.report_attachment_add, name="report_attachment_add"),
    path(
        "<int:pk>/attachments/<int:attachment_pk>/",
        views.report_attachment,
        name="report_attachment",
    ),
    path(
        "<int:pk>/subjects/<int:subject_pk>/link/",
        views.report_subject_link,
        name="report_subject_link",
    ),
    path("<int:pk>/requests/", views.report_question, name="report_question"),
    path("<int:pk>/requests/<int:request_pk>/answer/", views.report_answer, name="report_answer"),
    path("triage/", views.triage_list, name="triage"),
    path("triage/<int:pk>/", views.triage_detail, name="submission"),
    path(
        "triage/<int:pk>/attachments/<int:attachment_pk>/",
        views.triage_attachment,
        name="submission_attachment",
    ),
    # Public: the anonymous reporting channels (no account, no cookie).
    path("report/", views.anonymous_channels, name="anonymous_channels"),
    path("report/follow-up/", views.anonymous_follow_up, name="anonymous_follow_up"),
    path("report/<slug:slug>/", views.anonymous_form, name="anonymous_form"),
]
