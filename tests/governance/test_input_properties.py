"""Property tests for the text governance parses: report periods and area code lists never fail
with anything but a clear, field-level message."""

from __future__ import annotations

import datetime

import pytest
from django.core.exceptions import ValidationError
from hypothesis import given, settings
from hypothesis import strategies as st

from convenor.core.models import Area
from convenor.governance import monitoring
from convenor.governance.forms import AreaCodesField

TODAY = datetime.date(2026, 11, 27)


@settings(max_examples=200, deadline=None)
@given(st.one_of(st.none(), st.text(max_size=12)), st.one_of(st.none(), st.text(max_size=12)))
def test_parse_period_accepts_or_explains(start, end):
    try:
        first, last = monitoring.parse_period(start, end, TODAY)
    except monitoring.PeriodError as problem:
        assert str(problem)
    else:
        assert first <= last and (last - first).days <= 3660


@settings(max_examples=100, deadline=None)
@given(st.dates(), st.dates())
def test_parse_period_of_real_dates(a, b):
    try:
        first, last = monitoring.parse_period(a.isoformat(), b.isoformat(), TODAY)
    except monitoring.PeriodError:
        assert a > b or (b - a).days > 3660
    else:
        assert (first, last) == (a, b)


@pytest.mark.django_db
@settings(max_examples=100, deadline=None)
@given(st.text(alphabet=st.characters(blacklist_categories=["Cs"]), max_size=80))
def test_area_codes_field_accepts_or_names_the_unknown_codes(text):
    Area.objects.get_or_create(code="E07000123", defaults={"name": "Preston", "kind": "ltla"})
    field = AreaCodesField()
    try:
        areas = field.clean(text)
    except ValidationError as problem:
        message = problem.messages[0]
        assert (
            message.startswith("Not an area code we know:")
            or "characters" in message
            or ("Null characters" in message)
        )
    else:
        assert all(isinstance(a, Area) for a in areas)
