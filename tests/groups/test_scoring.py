"""The scoring model: hand-computed scores and bands, configuration, bounds (hypothesis)."""

from __future__ import annotations

import copy
from decimal import Decimal

import pytest
import yaml
from hypothesis import given
from hypothesis import strategies as st

from convenor.groups.scoring import (
    DEFAULT_MODEL_PATH,
    ScoringInputError,
    ScoringModel,
    ScoringModelError,
)

MODEL = ScoringModel.from_yaml()
FACTORS = [f.code for f in MODEL.impact_factors]
BASE = yaml.safe_load(DEFAULT_MODEL_PATH.read_text())


def scores(impacts, likelihood, capability, intent) -> dict:
    if isinstance(impacts, int):
        impacts = [impacts] * len(FACTORS)
    values = {f"impact_{code}": value for code, value in zip(FACTORS, impacts, strict=True)}
    values.update(likelihood=likelihood, capability=capability, intent=intent)
    return values


def test_the_shipped_model_has_the_six_impact_factors_and_three_bands():
    assert FACTORS == [
        "physical",
        "psychological",
        "financial",
        "community",
        "environmental",
        "reputational",
    ]
    assert [b.code for b in MODEL.bands] == ["1", "2", "3"]
    assert MODEL.raw_max == 200  # 6 factors x 5 x likelihood 5 + 5 x 5 + 5 x 5


@pytest.mark.parametrize(
    "impacts,likelihood,capability,intent,raw,score,band",
    [
        # impact 18, harm 72, capability 20, intent 25: 117 of 200
        (3, 4, 4, 5, 117, "58.5", "2"),
        (5, 5, 5, 5, 200, "100.0", "1"),
        (0, 1, 1, 1, 10, "5.0", "3"),
        # impact 20 x 5 = 100, + 10 + 10 = 120: exactly the band 1 threshold of 60
        ([3, 3, 3, 3, 4, 4], 5, 2, 2, 120, "60.0", "1"),
        ([3, 3, 3, 3, 4, 4], 5, 2, 1, 115, "57.5", "2"),
        # impact 10 x 4 = 40, + 10 + 10 = 60: exactly the band 2 threshold of 30
        ([1, 1, 2, 2, 2, 2], 4, 2, 2, 60, "30.0", "2"),
        # impact 13 x 3 = 39, + 10 + 10 = 59
        ([2, 2, 2, 2, 2, 3], 3, 2, 2, 59, "29.5", "3"),
    ],
)
def test_hand_computed_scores_and_bands(impacts, likelihood, capability, intent, raw, score, band):
    result = MODEL.score(scores(impacts, likelihood, capability, intent))
    assert result.breakdown.raw == raw
    assert result.score == Decimal(score)
    assert result.band.code == band


def test_breakdown_shows_the_arithmetic():
    b = MODEL.score(scores(3, 4, 4, 5)).breakdown
    assert (b.impact, b.harm, b.capability, b.intent, b.raw, b.raw_max) == (
        18,
        72,
        20,
        25,
        117,
        200,
    )


def test_a_configuration_change_changes_the_result():
    config = copy.deepcopy(BASE)
    config["version"] = "partnership-variant-1"
    config["capability"]["weight"] = 10  # raw_max = 150 + 50 + 25 = 225
    variant = ScoringModel.from_dict(config)
    result = variant.score(scores(3, 4, 4, 5))  # 72 + 40 + 25 = 137 of 225 = 60.88...
    assert result.score == Decimal("60.9")
    assert result.band.code == "1"
    assert MODEL.score(scores(3, 4, 4, 5)).band.code == "2"


def test_bands_are_configurable_too():
    config = copy.deepcopy(BASE)
    config["bands"] = [
        {"code": "A", "label": "Tier A", "min_score": 50},
        {"code": "B", "label": "Tier B", "min_score": 0},
    ]
    assert ScoringModel.from_dict(config).score(scores(3, 4, 4, 5)).band.label == "Tier A"


def test_weighted_impact_factors_and_rounding_half_up():
    config = copy.deepcopy(BASE)
    for factor in config["impact_factors"]:
        factor["weight"] = 0
    config["impact_factors"][0]["weight"] = 1  # physical only: impact max 5 x 5 = 25
    config["capability"]["weight"] = 0
    config["intent"]["weight"] = 0.5  # raw_max = 25 + 2.5 = 27.5
    model = ScoringModel.from_dict(config)
    result = model.score(scores([1, 5, 5, 5, 5, 5], 1, 5, 1))  # 1 + 0.5 = 1.5 of 27.5 = 5.4545
    assert result.score == Decimal("5.5")


@pytest.mark.parametrize(
    "name,value,message",
    [
        ("likelihood", 0, "Likelihood must be between 1 and 5"),
        ("likelihood", 6, "Likelihood must be between 1 and 5"),
        ("impact_physical", -1, "Physical harm must be between 0 and 5"),
        ("capability", "high", "Capability must be a whole number"),
        ("intent", 2.5, "Intent must be a whole number"),
        ("intent", None, "Choose a score for intent"),
        ("intent", True, "Intent must be a whole number"),
    ],
)
def test_bad_inputs_name_the_field(name, value, message):
    values = scores(3, 3, 3, 3)
    values[name] = value
    with pytest.raises(ScoringInputError) as problem:
        MODEL.score(values)
    assert problem.value.field == name
    assert problem.value.message == message


def test_a_missing_input_is_named():
    values = scores(3, 3, 3, 3)
    del values["impact_community"]
    with pytest.raises(ScoringInputError) as problem:
        MODEL.score(values)
    assert problem.value.field == "impact_community"


def test_an_input_the_model_does_not_have_is_refused():
    with pytest.raises(ScoringInputError) as problem:
        MODEL.score({**scores(3, 3, 3, 3), "impact_spiritual": 3})
    assert problem.value.field == "impact_spiritual"


@pytest.mark.parametrize(
    "change,message",
    [
        (lambda c: c.pop("bands"), "bands: list at least one band"),
        (lambda c: c["bands"][-1].update(min_score=5), "lowest band must start at min_score 0"),
        (lambda c: c["bands"][0].update(min_score=30), "each band needs its own min_score"),
        (lambda c: c["bands"][0].update(min_score="high"), "bands[0].min_score: must be a number"),
        (lambda c: c["likelihood"].update(min=5), "likelihood: min must be below max"),
        (lambda c: c["impact_factors"][1].update(code="physical"), "each code must be used once"),
        (lambda c: c["intent"].update(weight=-1), "intent.weight: must not be negative"),
        (lambda c: c.pop("version"), "version: required"),
    ],
)
def test_a_broken_configuration_is_refused_with_a_reason(change, message):
    config = copy.deepcopy(BASE)
    change(config)
    with pytest.raises(ScoringModelError, match=message.replace("[", r"\[").replace("]", r"\]")):
        ScoringModel.from_dict(config)


def test_an_unreadable_model_file_is_named(tmp_path):
    path = tmp_path / "scoring.yaml"
    path.write_text("version: [unclosed")
    with pytest.raises(ScoringModelError, match="not valid YAML"):
        ScoringModel.from_yaml(path)


valid_inputs = st.fixed_dictionaries(
    {
        **{f"impact_{code}": st.integers(0, 5) for code in FACTORS},
        "likelihood": st.integers(1, 5),
        "capability": st.integers(1, 5),
        "intent": st.integers(1, 5),
    }
)


@given(valid_inputs)
def test_every_valid_input_gives_a_score_from_0_to_100_in_the_right_band(values):
    result = MODEL.score(values)
    assert Decimal(0) <= result.score <= Decimal(100)
    assert result.score == result.score.quantize(Decimal("0.1"))
    expected = "1" if result.score >= 60 else "2" if result.score >= 30 else "3"
    assert result.band.code == expected


@given(
    valid_inputs,
    st.sampled_from([f"impact_{c}" for c in FACTORS] + ["likelihood", "capability", "intent"]),
)
def test_raising_any_input_never_lowers_the_score(values, name):
    scale = MODEL.input_scales[name]
    if values[name] == scale.maximum:
        return
    higher = {**values, name: values[name] + 1}
    assert MODEL.score(higher).score >= MODEL.score(values).score


@given(st.sampled_from(["likelihood", "capability", "intent", "impact_financial"]), st.integers())
def test_out_of_range_inputs_are_always_refused_never_scored(name, value):
    scale = MODEL.input_scales[name]
    values = {**scores(3, 3, 3, 3), name: value}
    if scale.minimum <= value <= scale.maximum:
        assert 0 <= MODEL.score(values).score <= 100
    else:
        with pytest.raises(ScoringInputError) as problem:
            MODEL.score(values)
        assert problem.value.field == name


yaml_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=5),
    lambda children: (
        st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=8), children, max_size=4)
    ),
    max_leaves=12,
)


@given(
    st.dictionaries(
        st.sampled_from(
            ["version", "impact_scale", "impact_factors", "likelihood", "capability", "intent"]
            + ["bands", "title"]
        ),
        yaml_values,
    )
)
def test_any_garbled_configuration_is_refused_with_a_reason_never_a_crash(garbled):
    config = copy.deepcopy(BASE)
    config.update(garbled)
    try:
        model = ScoringModel.from_dict(config)
    except ScoringModelError as problem:
        assert str(problem)
    else:
        assert model.raw_max > 0 and model.bands[-1].min_score == 0
        top = {name: scale.maximum for name, scale in model.input_scales.items()}
        assert model.score(top).score == 100
