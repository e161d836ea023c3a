"""The small pure parts: periods, small-number suppression, the configuration and the
response-level rule set."""

from __future__ import annotations

import datetime

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from convenor.profiles.config import DEFAULT_CONFIG, ConfigError, load_config, parse_config
from convenor.profiles.periods import Period, PeriodError
from convenor.profiles.response import decide
from convenor.profiles.suppression import suppress

# --- Periods ----------------------------------------------------------------------------------


def test_period_dates_and_label():
    period = Period.parse("2025Q4")
    assert period.start == datetime.date(2025, 10, 1)
    assert period.end == datetime.date(2025, 12, 31)
    assert period.label == "October to December 2025"
    assert str(period.previous()) == "2025Q3"
    assert str(Period.parse("2026q1").previous()) == "2025Q4"
    assert [str(p) for p in period.trailing(4)] == ["2025Q1", "2025Q2", "2025Q3", "2025Q4"]


@pytest.mark.parametrize("bad", ["", "2025", "2025Q5", "2025Q0", "Q4 2025", "1999Q1", "2025Q44"])
def test_bad_periods_say_what_is_expected(bad):
    with pytest.raises(PeriodError, match="2025Q4|out of range"):
        Period.parse(bad)


@settings(deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.integers(2000, 2100), st.integers(1, 4))
def test_periods_round_trip_and_tile_the_calendar(year, quarter):
    period = Period(year, quarter)
    assert Period.parse(str(period)) == period
    assert Period.containing(period.start) == period
    assert Period.containing(period.end) == period
    assert period.next().start == period.end + datetime.timedelta(days=1)
    assert period.next().previous() == period


@settings(deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.text(max_size=30))
def test_period_parser_never_crashes(text):
    try:
        period = Period.parse(text)
    except PeriodError:
        return
    assert 2000 <= period.year <= 2100 and 1 <= period.quarter <= 4


# --- Suppression ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "count,text,value",
    [
        (0, "0", 0),
        (1, "fewer than 5", None),
        (4, "fewer than 5", None),
        (5, "5", 5),
        (1234, "1,234", 1234),
    ],
)
def test_suppression_with_threshold_four(count, text, value):
    shown = suppress(count, 4)
    assert (shown.text, shown.value) == (text, value)
    assert shown.suppressed == (value is None)


def test_threshold_zero_suppresses_nothing_and_bad_counts_are_refused():
    assert suppress(1, 0).text == "1"
    with pytest.raises(ValueError):
        suppress(-1, 4)
    with pytest.raises(TypeError):
        suppress(True, 4)
    with pytest.raises(TypeError):
        suppress(2.0, 4)


@settings(deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.integers(0, 10**9), st.integers(1, 50))
def test_suppressed_exactly_when_from_one_to_threshold(count, threshold):
    shown = suppress(count, threshold)
    assert shown.suppressed == (1 <= count <= threshold)
    if shown.suppressed:
        assert shown.text == f"fewer than {threshold + 1}" and shown.value is None
        assert str(count) not in shown.text.replace(str(threshold + 1), "")
    else:
        assert shown.value == count


# --- Configuration and response levels --------------------------------------------------------


def _config(**changes) -> dict:
    data = yaml.safe_load(DEFAULT_CONFIG.read_text())
    data.update(changes)
    return data


def test_shipped_configuration_is_valid():
    config = load_config()
    assert config.suppression_threshold == 4
    assert config.grid_metres == 1000
    assert config.response.levels == ("standard", "enhanced", "priority")
    assert len(config.response.rules) >= 5


@pytest.mark.parametrize(
    "change,field",
    [
        ({"suppression": {"threshold": -1}}, "suppression.threshold"),
        ({"suppression": {"threshold": "four"}}, "suppression.threshold"),
        ({"map": {"grid_metres": 5}}, "map.grid_metres"),
        ({"trend_quarters": 1}, "trend_quarters"),
        ({"response_levels": {"levels": []}}, "response_levels.levels"),
        (
            {"response_levels": {"levels": ["a"], "rules": [{"level": "b", "metric": "x"}]}},
            "response_levels.rules[1].level",
        ),
        (
            {"response_levels": {"levels": ["a"], "rules": [{"level": "a", "metric": "x"}]}},
            "response_levels.rules[1] needs exactly one test",
        ),
        (
            {
                "response_levels": {
                    "levels": ["a"],
                    "rules": [{"level": "a", "metric": "x", "at_least": "many"}],
                }
            },
            "response_levels.rules[1].at_least",
        ),
    ],
)
def test_bad_configuration_names_the_field(change, field):
    with pytest.raises(ConfigError) as problem:
        parse_config(_config(**change))
    assert field in str(problem.value)


def test_response_level_is_the_highest_rule_that_applies_with_every_reason():
    rules = load_config().response
    decision = decide({"groups.band_1": 1, "groups.active": 3, "intelligence.reports": 5}, rules)
    assert decision.level == "priority"
    assert decision.label == "Priority response"
    texts = [r["text"] for r in decision.reasons]
    assert texts[0] == "1 organised crime group in band 1 (the highest threat) operates here"
    assert "3 active organised crime groups operate here" in texts
    assert not any("intelligence reports in the period" in t for t in texts)  # 5 < 20
    assert "partner_data.linked_records" in decision.not_evaluated


def test_no_rule_applies_gives_the_lowest_level():
    decision = decide({"groups.band_1": 0, "groups.active": 0}, load_config().response)
    assert decision.level == "standard" and decision.reasons == []


def test_changing_the_rules_changes_the_level():
    data = _config()
    data["response_levels"]["rules"] = [
        {"level": "enhanced", "metric": "intelligence.reports", "at_least": 3, "reason": "x"}
    ]
    config = parse_config(data)
    assert decide({"intelligence.reports": 3}, config.response).level == "enhanced"
    assert decide({"intelligence.reports": 2}, config.response).level == "standard"


_yaml_values = st.recursive(
    st.none() | st.booleans() | st.integers(-(10**6), 10**6) | st.floats() | st.text(max_size=8),
    lambda children: (
        st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=12), children, max_size=4)
    ),
    max_leaves=20,
)


@settings(deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    st.dictionaries(
        st.sampled_from(
            [
                "suppression",
                "map",
                "trend_quarters",
                "response_levels",
                "vulnerability_threat_areas",
                "best_placed",
            ]
        ),
        _yaml_values,
    )
)
def test_any_garbled_configuration_is_refused_with_a_config_error(data):
    """Whatever a partnership's file holds, it is either a valid configuration or a
    ConfigError naming what is wrong: never another exception."""
    base = _config()
    base.update(data)
    try:
        config = parse_config(base)
    except ConfigError as problem:
        assert str(problem)
        return
    assert config.response.levels
    decide({"groups.band_1": 1}, config.response)


def test_suppression_threshold_from_the_environment(monkeypatch):
    monkeypatch.setenv("CONVENOR_PROFILE_SUPPRESSION_THRESHOLD", "9")
    assert parse_config(_config()).suppression_threshold == 9
    monkeypatch.setenv("CONVENOR_PROFILE_SUPPRESSION_THRESHOLD", "nine")
    with pytest.raises(ConfigError, match="CONVENOR_PROFILE_SUPPRESSION_THRESHOLD"):
        parse_config(_config())
