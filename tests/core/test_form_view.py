"""The one form-view helper, `convenor.core.form_view.form_view`, and the GOV.UK form renderer."""

from __future__ import annotations

import pytest
from django import forms
from django.contrib.messages import get_messages
from django.contrib.messages.storage.cookie import CookieStorage
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.test import RequestFactory

from convenor.core.form_view import add_service_errors, form_view

SUMMARY = "includes/form_errors.html"  # renders the GOV.UK error summary of `form`, nothing else


class NameForm(forms.Form):
    name = forms.CharField(label="Name", error_messages={"required": "Enter the name"})


class Saved:
    def get_absolute_url(self) -> str:
        return "/saved/"


def _request(method: str = "post", data=None):
    request = getattr(RequestFactory(), method)("/form/", data or {})
    request._messages = CookieStorage(request)
    return request


def _view(request, save, **kwargs):
    return form_view(request, NameForm, template=SUMMARY, save=save, **kwargs)


def test_a_get_shows_the_unbound_form_and_saves_nothing():
    calls = []
    response = _view(_request("get"), calls.append)
    assert response.status_code == 200
    assert "There is a problem" not in response.content.decode()
    assert calls == []


def test_an_empty_post_is_bound_and_told_what_is_missing():
    # `request.POST or None` would leave an empty post unbound: no errors, nothing said.
    response = _view(_request(), lambda form: pytest.fail("saved an invalid form"))
    assert response.status_code == 400
    body = response.content.decode()
    assert "There is a problem" in body and "Enter the name" in body
    assert 'href="#id_name"' in body


def test_success_saves_once_redirects_to_the_record_and_says_so():
    request = _request(data={"name": "Ribble"})
    saved = []
    response = _view(
        request,
        lambda form: saved.append(form.cleaned_data["name"]) or Saved(),
        success_message=lambda record: "Recorded",
    )
    assert (response.status_code, response["Location"]) == (302, "/saved/")
    assert saved == ["Ribble"]
    assert [str(m) for m in get_messages(request)] == ["Recorded"]


def test_success_url_may_be_given():
    response = _view(_request(data={"name": "x"}), lambda form: None, success_url="/elsewhere/")
    assert response["Location"] == "/elsewhere/"


@pytest.mark.parametrize(
    "problem,field_errors,non_field_errors",
    [
        (ValidationError({"name": "Taken"}), ["Taken"], []),
        # A key the form does not have: add_error would raise ValueError, a server error.
        (ValidationError({"owning_organisation": "Not yours"}), [], ["Not yours"]),
        (ValidationError({"__all__": ["First", "Second"]}), [], ["First", "Second"]),
        (ValidationError(["One", "Two"]), [], ["One", "Two"]),
        (ValidationError("Plain"), [], ["Plain"]),
        (
            ValidationError({"name": ["Taken", "Too long"], "ghost": "Boo"}),
            ["Taken", "Too long"],
            ["Boo"],
        ),
    ],
)
def test_service_errors_land_on_the_form_and_answer_400(problem, field_errors, non_field_errors):
    def save(form):
        raise problem

    response = _view(_request(data={"name": "x"}), save)
    assert response.status_code == 400
    body = response.content.decode()
    assert "There is a problem" in body
    for message in field_errors + non_field_errors:
        assert message in body
    bound = NameForm(data={"name": "x"})
    assert bound.is_valid()
    add_service_errors(bound, problem)
    assert bound.errors.get("name", []) == field_errors
    assert list(bound.non_field_errors()) == non_field_errors


@pytest.mark.parametrize("refusal", [Http404("gone"), PermissionDenied("not yours")])
def test_not_found_and_refused_pass_through(refusal):
    def save(form):
        raise refusal

    with pytest.raises(type(refusal)):
        _view(_request(data={"name": "x"}), save)


def test_other_methods_are_not_allowed():
    assert _view(_request("put"), lambda form: None).status_code == 405


def test_the_renderer_renders_fields_as_govuk_form_groups():
    class Choices(forms.Form):
        note = forms.CharField(label="Note", help_text="Briefly", widget=forms.Textarea)
        colour = forms.ChoiceField(
            label="Colour",
            choices=[("r", "Red"), ("g", "Green")],
            widget=forms.RadioSelect(attrs={"class": "govuk-radios--inline"}),
        )
        size = forms.ChoiceField(label="Size", choices=[("s", "Small"), ("l", "Large")])

    form = Choices(data={"colour": "g"})
    form.is_valid()
    note = form["note"].as_field_group()
    assert 'class="govuk-form-group govuk-form-group--error"' in note
    assert '<textarea class="govuk-textarea govuk-textarea--error"' in note
    assert 'aria-describedby="id_note-hint id_note-error"' in note
    colour = form["colour"].as_field_group()
    assert '<legend class="govuk-fieldset__legend govuk-fieldset__legend--s">Colour' in colour
    assert "govuk-radios govuk-radios--small govuk-radios--inline" in colour
    assert 'id="id_colour_1" name="colour" type="radio" value="g" checked' in colour
    size = form["size"].as_field_group()
    assert '<select class="govuk-select govuk-select--error" id="id_size"' in size
    assert str(form) == "".join(field.as_field_group() for field in form)


def test_the_include_and_the_renderer_render_a_field_identically():
    from django.template.loader import render_to_string

    form = NameForm(data={})
    form.is_valid()
    included = render_to_string("includes/field.html", {"field": form["name"]})
    assert included.strip() == form["name"].as_field_group().strip()
