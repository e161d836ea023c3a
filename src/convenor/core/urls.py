from django.urls import path

from . import account_views, views

app_name = "core"

urlpatterns = [
    path("", views.home, name="home"),
    path("sign-in/", views.sign_in, name="login"),
    path("sign-in/verify/", views.verify, name="verify"),
    path("sign-in/set-up-authenticator/", views.enrol, name="enrol"),
    path("sign-out/", views.sign_out, name="logout"),
    path("account/", account_views.account, name="account"),
    path("account/password/", account_views.password_change, name="password_change"),
    path("account/confirm/", account_views.confirm, name="confirm"),
    path("organisations/", views.organisation_list, name="organisations"),
    path("organisations/<slug:slug>/", views.organisation_detail, name="organisation"),
    path("people/", views.person_list, name="people"),
    path("people/<str:username>/", views.person_detail, name="person"),
    path(
        "people/<str:username>/reset-password/",
        account_views.person_password_reset,
        name="person_password_reset",
    ),
    path("partnerships/", views.partnership_list, name="partnerships"),
    path("partnerships/<slug:slug>/", views.partnership_detail, name="partnership"),
    path(
        "partnerships/<slug:slug>/invitations/", views.partnership_invite, name="partnership_invite"
    ),
    path("invitations/<int:pk>/", views.invitation_decide, name="invitation_decide"),
    path(
        "partnerships/<slug:slug>/agreements/new/", views.agreement_create, name="agreement_create"
    ),
    path("partnerships/<slug:slug>/agreements/<int:pk>/", views.agreement_detail, name="agreement"),
    path(
        "partnerships/<slug:slug>/agreements/<int:pk>/edit/",
        views.agreement_edit,
        name="agreement_edit",
    ),
    path(
        "partnerships/<slug:slug>/agreements/<int:pk>/sign/",
        views.agreement_sign,
        name="agreement_sign",
    ),
    path(
        "partnerships/<slug:slug>/agreements/<int:pk>/renew/",
        views.agreement_renew,
        name="agreement_renew",
    ),
    path("areas/", views.area_list, name="areas"),
    path("areas/postcode/", views.postcode_lookup, name="postcode"),
    path("areas/<str:code>/", views.area_detail, name="area"),
    path("audit/", views.audit_list, name="audit"),
    path("audit/export.csv", views.audit_export, name="audit_export"),
]
