from django.urls import path

from . import views

app_name = "governance"

urlpatterns = [
    path("boards/", views.board_list, name="boards"),
    path("boards/new/", views.board_create, name="board_create"),
    path("boards/<slug:slug>/", views.board_detail, name="board"),
    path("boards/<slug:slug>/change/", views.board_change, name="board_change"),
    path("boards/<slug:slug>/members/new/", views.member_add, name="member_add"),
    path("boards/<slug:slug>/members/<int:pk>/end/", views.member_end, name="member_end"),
    path(
        "boards/<slug:slug>/standing-items/new/", views.standing_item_add, name="standing_item_add"
    ),
    path("boards/<slug:slug>/meetings/new/", views.meeting_create, name="meeting_create"),
    path(
        "boards/<slug:slug>/recommendations/new/",
        views.recommendation_create,
        name="recommendation_create",
    ),
    path("boards/<slug:slug>/actions/new/", views.action_create, name="action_create"),
    path("boards/<slug:slug>/report/", views.monitoring_report, name="report"),
    path("boards/<slug:slug>/report.pdf", views.monitoring_report_pdf, name="report_pdf"),
    path(
        "boards/<slug:slug>/report/to-agenda/",
        views.monitoring_report_to_agenda,
        name="report_to_agenda",
    ),
    path("meetings/<int:pk>/", views.meeting_detail, name="meeting"),
    path("meetings/<int:pk>/items/new/", views.agenda_item_add, name="agenda_item_add"),
    path("meetings/<int:pk>/attendance/", views.attendance, name="attendance"),
    path("meetings/<int:pk>/publish/", views.meeting_publish, name="meeting_publish"),
    path("meetings/<int:pk>/cancel/", views.meeting_cancel, name="meeting_cancel"),
    path("meetings/<int:pk>/items/<int:number>/papers/new/", views.paper_add, name="paper_add"),
    path("meetings/<int:pk>/items/<int:number>/minutes/", views.minutes, name="minutes"),
    path(
        "meetings/<int:pk>/items/<int:number>/move/",
        views.agenda_item_move,
        name="agenda_item_move",
    ),
    path(
        "meetings/<int:pk>/items/<int:number>/decisions/new/",
        views.decision_add,
        name="decision_add",
    ),
    path("papers/<int:pk>/", views.paper_download, name="paper"),
    path("recommendations/<int:pk>/", views.recommendation_detail, name="recommendation"),
    path("recommendations/<int:pk>/responses/new/", views.response_create, name="response_create"),
    path("actions/", views.my_actions, name="my_actions"),
    path("actions/<int:pk>/", views.action_detail, name="action"),
    path("actions/<int:pk>/update/", views.action_update, name="action_update"),
    path("actions/<int:pk>/change/", views.action_change, name="action_change"),
    path("landscape/", views.board_landscape, name="landscape"),
]
