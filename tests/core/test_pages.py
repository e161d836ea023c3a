"""Pages read well and fail well: error pages never show a stack trace; the back office obeys the
policy."""

from django.test import Client

from convenor.core.models import Organisation
from tests.conftest import verified_login


def test_missing_page_is_a_plain_404(client, world):
    verified_login(client, world.people["analyst"])
    response = client.get("/organisations/no-such-organisation/")
    assert response.status_code == 404
    body = response.content.decode()
    assert "Page not found" in body and "Traceback" not in body


def test_a_server_error_shows_a_plain_page(world, settings, monkeypatch):
    from convenor.core import views

    def broken(*args, **kwargs):
        raise RuntimeError("secret internals")

    monkeypatch.setattr(views, "render", broken)
    client = Client(raise_request_exception=False)
    verified_login(client, world.people["analyst"])
    response = client.get("/organisations/")
    assert response.status_code == 500
    body = response.content.decode()
    assert "Sorry, there is a problem with the service" in body
    assert "secret internals" not in body and "Traceback" not in body
    assert "Convenor handles OFFICIAL and OFFICIAL-SENSITIVE information only." in body


def test_every_error_page_carries_the_classification_notice(client):
    from convenor.core import views

    notice = "Convenor handles OFFICIAL and OFFICIAL-SENSITIVE information only."
    request = client.get("/").wsgi_request
    for response in [
        views.error_400(request),
        views.error_403(request),
        views.error_404(request),
        views.error_500(request),
    ]:
        assert notice in response.content.decode(), response.status_code


def test_forms_need_a_csrf_token(world):
    client = Client(enforce_csrf_checks=True)
    verified_login(client, world.people["partnership_administrator"])
    response = client.post(f"/partnerships/{world.shared.slug}/agreements/new/", {"title": "x"})
    assert response.status_code == 403


def test_back_office_shows_an_administrator_only_what_the_policy_allows(client, world):
    verified_login(client, world.people["partnership_administrator"])
    body = client.get("/admin/core/organisation/").content.decode()
    assert "Own Police" in body and "Partner Council" in body
    assert "Outside Council" not in body


def test_back_office_refuses_to_change_a_partner_organisation(client, world):
    verified_login(client, world.people["partnership_administrator"])
    url = f"/admin/core/organisation/{world.partner.pk}/change/"
    response = client.post(url, {"name": "Renamed", "slug": world.partner.slug, "kind": "council"})
    assert response.status_code == 403
    assert Organisation.objects.get(pk=world.partner.pk).name == "Partner Council"


def test_back_office_never_edits_the_audit_record(client, world):
    from convenor.core import audit

    entry = audit.record("x", actor=world.people["analyst"])
    verified_login(client, world.people["partnership_administrator"])
    response = client.post(f"/admin/core/auditentry/{entry.pk}/delete/", {"post": "yes"})
    assert response.status_code in (302, 403)
    assert audit.verify().ok and audit.verify().checked >= 1
