from convenor.core.routing import pages

from . import views

app_name = "groups"

urlpatterns = [
    *pages(
        "",
        ("", views.group_list, "list"),
        ("new/", views.group_create, "create"),
        ("rankings/", views.rankings),
        ("rankings/export.csv", views.rankings_export),
        ("scoring-model/", views.scoring_model_page, "scoring_model"),
        ("orders/", views.order_register, "orders"),
        ("orders/expiring/", views.orders_expiring),
    ),
    *pages(
        "<int:pk>/",
        ("", views.group_detail, "detail"),
        ("edit/", views.group_edit, "edit"),
        ("members/new/", views.member_add),
        ("members/<int:member_pk>/edit/", views.member_edit),
        ("members/<int:member_pk>/remove/", views.member_remove),
        ("assessments/new/", views.assessment_create),
        ("assessments/<int:assessment_pk>/", views.assessment_detail, "assessment"),
        ("disruptions/new/", views.disruption_create),
        ("disruptions/<int:disruption_pk>/", views.disruption_detail, "disruption"),
        ("disruptions/<int:disruption_pk>/verify/", views.disruption_verify),
        ("orders/new/", views.order_create),
        ("orders/<int:order_pk>/", views.order_detail, "order"),
        ("orders/<int:order_pk>/breaches/new/", views.breach_create),
    ),
]
