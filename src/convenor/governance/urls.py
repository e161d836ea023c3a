"""Governance pages, grouped by the record their address starts from: (route, view, name)."""

from django.urls import path

from . import views

app_name = "governance"

ROUTES = {
    "boards/": [
        ("", views.board_list, "boards"),
        ("new/", views.board_create, "board_create"),
    ],
    "boards/<slug:slug>/": [
        ("", views.board_detail, "board"),
        ("change/", views.board_change, "board_change"),
        ("members/new/", views.member_add, "member_add"),
        ("members/<int:pk>/end/", views.member_end, "member_end"),
        ("standing-items/new/", views.standing_item_add, "standing_item_add"),
        ("standing-items/<int:pk>/change/", views.standing_item_change, "standing_item_change"),
        ("meetings/new/", views.meeting_create, "meeting_create"),
        ("recommendations/new/", views.recommendation_create, "recommendation_create"),
        ("actions/new/", views.action_create, "action_create"),
        ("report/", views.monitoring_report, "report"),
        ("report.pdf", views.monitoring_report_pdf, "report_pdf"),
        ("report/to-agenda/", views.monitoring_report_to_agenda, "report_to_agenda"),
    ],
    "meetings/<int:pk>/": [
        ("", views.meeting_detail, "meeting"),
        ("items/new/", views.agenda_item_add, "agenda_item_add"),
        ("attendance/", views.attendance, "attendance"),
        ("publish/", views.meeting_publish, "meeting_publish"),
        ("cancel/", views.meeting_cancel, "meeting_cancel"),
        ("items/<int:number>/papers/new/", views.paper_add, "paper_add"),
        ("items/<int:number>/minutes/", views.minutes, "minutes"),
        ("items/<int:number>/change/", views.agenda_item_change, "agenda_item_change"),
        ("items/<int:number>/move/", views.agenda_item_move, "agenda_item_move"),
        ("items/<int:number>/decisions/new/", views.decision_add, "decision_add"),
    ],
    "papers/<int:pk>/": [("", views.paper_download, "paper")],
    "recommendations/<int:pk>/": [
        ("", views.recommendation_detail, "recommendation"),
        ("responses/new/", views.response_create, "response_create"),
    ],
    "actions/": [
        ("", views.my_actions, "my_actions"),
        ("<int:pk>/", views.action_detail, "action"),
        ("<int:pk>/update/", views.action_update, "action_update"),
        ("<int:pk>/change/", views.action_change, "action_change"),
    ],
    "landscape/": [("", views.board_landscape, "landscape")],
}

urlpatterns = [
    path(prefix + route, view, name=name)
    for prefix, routes in ROUTES.items()
    for route, view, name in routes
]
