from convenor.core.routing import pages

from . import account_views, views

app_name = "core"

urlpatterns = [
    *pages(
        "",
        ("", views.home, "home"),
        ("sign-in/", views.sign_in, "login"),
        ("sign-in/verify/", views.verify),
        ("sign-in/set-up-authenticator/", views.enrol),
        ("sign-out/", views.sign_out, "logout"),
        ("invitations/<int:pk>/", views.invitation_decide),
    ),
    *pages(
        "account/",
        ("", account_views.account),
        ("password/", account_views.password_change),
        ("confirm/", account_views.confirm),
    ),
    *pages(
        "organisations/",
        ("", views.organisation_list, "organisations"),
        ("<slug:slug>/", views.organisation_detail, "organisation"),
    ),
    *pages(
        "people/",
        ("", views.person_list, "people"),
        ("<str:username>/", views.person_detail, "person"),
        ("<str:username>/reset-password/", account_views.person_password_reset),
    ),
    *pages(
        "partnerships/",
        ("", views.partnership_list, "partnerships"),
        ("<slug:slug>/", views.partnership_detail, "partnership"),
        ("<slug:slug>/invitations/", views.partnership_invite),
        ("<slug:slug>/agreements/new/", views.agreement_create),
    ),
    *pages(
        "partnerships/<slug:slug>/agreements/<int:pk>/",
        ("", views.agreement_detail, "agreement"),
        ("edit/", views.agreement_edit),
        ("sign/", views.agreement_sign),
        ("renew/", views.agreement_renew),
    ),
    *pages(
        "areas/",
        ("", views.area_list, "areas"),
        ("postcode/", views.postcode_lookup, "postcode"),
        ("<str:code>/", views.area_detail, "area"),
    ),
    *pages(
        "audit/",
        ("", views.audit_list, "audit"),
        ("export.csv", views.audit_export),
    ),
]
