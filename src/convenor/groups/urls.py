from django.urls import path

from . import views

app_name = "groups"

urlpatterns = [
    path("", views.group_list, name="list"),
    path("new/", views.group_create, name="create"),
    path("rankings/", views.rankings, name="rankings"),
    path("rankings/export.csv", views.rankings_export, name="rankings_export"),
    path("scoring-model/", views.scoring_model_page, name="scoring_model"),
    path("orders/", views.order_register, name="orders"),
    path("orders/expiring/", views.orders_expiring, name="orders_expiring"),
    path("<int:pk>/", views.group_detail, name="detail"),
    path("<int:pk>/edit/", views.group_edit, name="edit"),
    path("<int:pk>/members/new/", views.member_add, name="member_add"),
    path("<int:pk>/members/<int:member_pk>/edit/", views.member_edit, name="member_edit"),
    path("<int:pk>/members/<int:member_pk>/remove/", views.member_remove, name="member_remove"),
    path("<int:pk>/assessments/new/", views.assessment_create, name="assessment_create"),
    path(
        "<int:pk>/assessments/<int:assessment_pk>/",
        views.assessment_detail,
        name="assessment",
    ),
    path("<int:pk>/disruptions/new/", views.disruption_create, name="disruption_create"),
    path("<int:pk>/disruptions/<int:disruption_pk>/", views.disruption_detail, name="disruption"),
    path(
        "<int:pk>/disruptions/<int:disruption_pk>/verify/",
        views.disruption_verify,
        name="disruption_verify",
    ),
    path("<int:pk>/orders/new/", views.order_create, name="order_create"),
    path("<int:pk>/orders/<int:order_pk>/", views.order_detail, name="order"),
    path("<int:pk>/orders/<int:order_pk>/breaches/new/", views.breach_create, name="breach_create"),
]
