"""The small core helpers apps share (ADR 0065): URL lists, read-only rules, text boxes."""

import pytest
from django import forms
from django.urls import reverse

from convenor.core import access
from convenor.core.forms import text_box
from convenor.core.routing import pages
from convenor.intelligence import views
from convenor.intelligence.models import Reading


def test_pages_names_each_path_after_its_view_unless_named():
    patterns = pages(
        "<int:pk>/", ("", views.report_detail, "report"), ("print/", views.report_print)
    )
    assert [(str(p.pattern), p.name) for p in patterns] == [
        ("<int:pk>/", "report"),
        ("<int:pk>/print/", "report_print"),
    ]
    assert reverse("intelligence:report_print", args=[7]) == "/intelligence/7/print/"


def test_text_box_is_required_only_with_a_message_for_an_empty_one():
    class Form(forms.Form):
        answer = text_box("Your answer", 10, missing="Enter the answer")
        note = text_box("Note (optional)", 10)

    form = Form(data={"answer": "", "note": ""})
    assert not form.is_valid()
    assert form.errors == {"answer": ["Enter the answer"]}
    assert isinstance(form.fields["note"].widget, forms.Textarea)
    assert not Form(data={"answer": "x" * 11}).is_valid()


@pytest.mark.django_db
def test_a_visible_where_rule_refuses_every_change(world):
    rule = access._rule(Reading)
    assert type(rule).__name__ == "ReadingRule"
    s = access.standing(world.people["analyst"])
    for action in (access.Action.CREATE, access.Action.CHANGE, access.Action.DELETE):
        assert not rule.can(s, action, None)


def test_table_head_writes_a_tables_headings_once_escaped():
    from django.template import Context, Template

    html = Template(
        '{% load layout %}{% table_head "Group" "Score" "Action" numeric="Score" hidden="Action" %}'
    ).render(Context())
    assert html == (
        '<thead class="govuk-table__head"><tr class="govuk-table__row">'
        '<th scope="col" class="govuk-table__header">Group</th>'
        '<th scope="col" class="govuk-table__header govuk-table__header--numeric">Score</th>'
        '<th scope="col" class="govuk-table__header">'
        '<span class="govuk-visually-hidden">Action</span></th></tr></thead>'
    )
    escaped = Template('{% load layout %}{% table_head "<b>" %}').render(Context())
    assert "&lt;b&gt;" in escaped and "<b>" not in escaped


@pytest.mark.django_db
def test_a_reference_rule_lets_everyone_read_and_only_operators_change(world):
    from convenor.core.models import Area

    rule = access._rule(Area)
    assert isinstance(rule, access.ReferenceRule)
    analyst = access.standing(world.people["analyst"])
    assert rule.can(analyst, access.Action.VIEW, None)
    assert not rule.can(analyst, access.Action.CHANGE, None)


def test_check_boxes_are_required_only_with_a_message_for_none_ticked():
    from convenor.core.forms import check_boxes

    class Form(forms.Form):
        kinds = check_boxes("Kinds", choices=[("a", "A"), ("b", "B")], missing="Tick one")
        extra = check_boxes("Extra (optional)", choices=[("x", "X")])

    form = Form(data={})
    assert not form.is_valid()
    assert form.errors == {"kinds": ["Tick one"]}
    assert isinstance(form.fields["extra"].widget, forms.CheckboxSelectMultiple)
    assert Form(data={"kinds": ["a", "b"]}).is_valid()
