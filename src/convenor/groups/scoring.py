"""Convenor's transparent, configurable scoring model for organised crime groups.

Plain Python (no Django): a :class:`ScoringModel` is read from YAML (``reference/scoring.yaml`` by
default; a partnership points ``CONVENOR_GROUPS_SCORING_MODEL`` at its own variant) and
:meth:`ScoringModel.score` turns one set of inputs into a score (0-100) and a band::

    impact = sum(weight_f * impact_f)            for each impact factor f, scored 0..5
    harm   = impact * likelihood                 likelihood 1..5
    raw    = harm + w_c * capability + w_i * intent
    score  = 100 * raw / raw_max                 to one decimal place, half up

It is not the national OCG mapping algorithm and makes no claim to reproduce it.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path
from typing import Any

import yaml

DEFAULT_MODEL_PATH = Path(__file__).parent / "reference" / "scoring.yaml"


class ScoringModelError(ValueError):
    """The model's configuration is not usable; the message says what is wrong in it."""


class ScoringInputError(ValueError):
    """One input is missing or out of range; ``field`` names it (e.g. ``impact_physical``)."""

    def __init__(self, field: str, message: str):
        super().__init__(message)
        self.field = field
        self.message = message


@dataclass(frozen=True)
class Scale:
    code: str
    label: str
    minimum: int
    maximum: int
    labels: dict[int, str]
    hint: str = ""
    weight: Decimal = Decimal(1)

    def choices(self) -> list[tuple[int, str]]:
        return [
            (value, f"{value} – {self.labels[value]}" if value in self.labels else str(value))
            for value in range(self.minimum, self.maximum + 1)
        ]


@dataclass(frozen=True)
class Band:
    code: str
    label: str
    min_score: Decimal


@dataclass(frozen=True)
class Breakdown:
    """The arithmetic of one score, shown beside it so anyone can check it."""

    impact: Decimal
    harm: Decimal
    capability: Decimal
    intent: Decimal
    raw: Decimal
    raw_max: Decimal


@dataclass(frozen=True)
class Result:
    score: Decimal
    band: Band
    breakdown: Breakdown


@dataclass(frozen=True)
class ScoringModel:
    version: str
    title: str
    impact_factors: tuple[Scale, ...]
    likelihood: Scale
    capability: Scale
    intent: Scale
    bands: tuple[Band, ...]  # highest min_score first
    source: dict[str, Any] = field(default_factory=dict, compare=False)

    # --- reading --------------------------------------------------------------------------

    @classmethod
    def from_yaml(cls, path: str | Path = DEFAULT_MODEL_PATH) -> ScoringModel:
        try:
            text = Path(path).read_text(encoding="utf-8")
        except OSError as problem:
            raise ScoringModelError(f"Cannot read the scoring model {path}: {problem}") from None
        try:
            data = yaml.safe_load(text)
        except yaml.YAMLError as problem:
            raise ScoringModelError(
                f"The scoring model {path} is not valid YAML: {problem}"
            ) from None
        return cls.from_dict(data)

    @classmethod
    def from_dict(cls, data: Any) -> ScoringModel:
        if not isinstance(data, Mapping):
            raise ScoringModelError("The scoring model must be a mapping of settings")
        version = _text(data, "version")
        title = str(data.get("title") or version)
        impact_scale = data.get("impact_scale")
        if not isinstance(impact_scale, Mapping):
            raise ScoringModelError("impact_scale: give min, max and labels")
        factors_data = data.get("impact_factors")
        if not isinstance(factors_data, list) or not factors_data:
            raise ScoringModelError("impact_factors: list at least one impact factor")
        factors = []
        for index, item in enumerate(factors_data):
            if not isinstance(item, Mapping):
                raise ScoringModelError(f"impact_factors[{index}] must be a mapping")
            merged = {**impact_scale, **item}
            factors.append(_scale(merged, f"impact_factors[{index}]", code=_text(item, "code")))
        codes = [f.code for f in factors]
        if len(set(codes)) != len(codes):
            raise ScoringModelError("impact_factors: each code must be used once")
        if any(f.minimum < 0 for f in factors):
            raise ScoringModelError("impact_scale: min must not be negative")
        scales = {}
        for name in ("likelihood", "capability", "intent"):
            part = data.get(name)
            if not isinstance(part, Mapping):
                raise ScoringModelError(f"{name}: give min, max and labels")
            scales[name] = _scale(part, name, code=name)
            if scales[name].minimum < 0:
                raise ScoringModelError(f"{name}: min must not be negative")
        bands_data = data.get("bands")
        if not isinstance(bands_data, list) or not bands_data:
            raise ScoringModelError("bands: list at least one band")
        bands = []
        for index, item in enumerate(bands_data):
            if not isinstance(item, Mapping):
                raise ScoringModelError(f"bands[{index}] must be a mapping")
            bands.append(
                Band(
                    code=_text(item, "code"),
                    label=_text(item, "label"),
                    min_score=_decimal(item.get("min_score"), f"bands[{index}].min_score"),
                )
            )
        bands.sort(key=lambda b: b.min_score, reverse=True)
        if len({b.min_score for b in bands}) != len(bands):
            raise ScoringModelError("bands: each band needs its own min_score")
        if len({b.code for b in bands}) != len(bands):
            raise ScoringModelError("bands: each band needs its own code")
        if bands[-1].min_score != 0:
            raise ScoringModelError("bands: the lowest band must start at min_score 0")
        if bands[0].min_score > 100:
            raise ScoringModelError("bands: no min_score may be above 100")
        model = cls(
            version=version,
            title=title,
            impact_factors=tuple(factors),
            likelihood=scales["likelihood"],
            capability=scales["capability"],
            intent=scales["intent"],
            bands=tuple(bands),
            source=_plain(data),
        )
        if model.raw_max <= 0:
            raise ScoringModelError("The model's maximum score is 0: give some weight above 0")
        return model

    # --- scoring --------------------------------------------------------------------------

    @property
    def input_scales(self) -> dict[str, Scale]:
        """Every input, by the name forms and the API use for it."""
        scales = {f"impact_{f.code}": f for f in self.impact_factors}
        scales.update(likelihood=self.likelihood, capability=self.capability, intent=self.intent)
        return scales

    @property
    def raw_max(self) -> Decimal:
        impact = sum((f.weight * f.maximum for f in self.impact_factors), Decimal(0))
        return (
            impact * self.likelihood.maximum
            + self.capability.weight * self.capability.maximum
            + self.intent.weight * self.intent.maximum
        )

    def validate(self, inputs: Mapping[str, Any]) -> dict[str, int]:
        """The inputs as integers, or :class:`ScoringInputError` naming the first bad one."""
        clean = {}
        for name, scale in self.input_scales.items():
            value = inputs.get(name)
            if value is None or value == "":
                raise ScoringInputError(name, f"Choose a score for {scale.label.lower()}")
            if isinstance(value, bool):
                raise ScoringInputError(name, f"{scale.label} must be a whole number")
            try:
                number = int(value)
            except (TypeError, ValueError, OverflowError):
                raise ScoringInputError(name, f"{scale.label} must be a whole number") from None
            if isinstance(value, float | Decimal) and number != value:
                raise ScoringInputError(name, f"{scale.label} must be a whole number")
            if not scale.minimum <= number <= scale.maximum:
                raise ScoringInputError(
                    name,
                    f"{scale.label} must be between {scale.minimum} and {scale.maximum}",
                )
            clean[name] = number
        unknown = sorted(set(inputs) - set(self.input_scales))
        if unknown:
            raise ScoringInputError(unknown[0], f"{unknown[0]} is not part of this scoring model")
        return clean

    def score(self, inputs: Mapping[str, Any]) -> Result:
        values = self.validate(inputs)
        impact = sum(
            (f.weight * values[f"impact_{f.code}"] for f in self.impact_factors), Decimal(0)
        )
        harm = impact * values["likelihood"]
        capability = self.capability.weight * values["capability"]
        intent = self.intent.weight * values["intent"]
        raw = harm + capability + intent
        score = (Decimal(100) * raw / self.raw_max).quantize(Decimal("0.1"), ROUND_HALF_UP)
        return Result(
            score=score,
            band=self.band_for(score),
            breakdown=Breakdown(impact, harm, capability, intent, raw, self.raw_max),
        )

    def band_for(self, score: Decimal) -> Band:
        for band in self.bands:
            if score >= band.min_score:
                return band
        return self.bands[-1]


def _text(data: Mapping, key: str) -> str:
    value = data.get(key)
    if value is None or str(value).strip() == "":
        raise ScoringModelError(f"{key}: required")
    return str(value).strip()


def _decimal(value: Any, where: str) -> Decimal:
    if isinstance(value, bool):
        raise ScoringModelError(f"{where}: must be a number")
    try:
        number = Decimal(str(value))
    except ArithmeticError:
        raise ScoringModelError(f"{where}: must be a number") from None
    if not number.is_finite():
        raise ScoringModelError(f"{where}: must be a finite number")
    return number


def _scale(data: Mapping, where: str, *, code: str) -> Scale:
    try:
        minimum, maximum = int(data["min"]), int(data["max"])
    except (KeyError, TypeError, ValueError):
        raise ScoringModelError(f"{where}: min and max must be whole numbers") from None
    if minimum >= maximum:
        raise ScoringModelError(f"{where}: min must be below max")
    if maximum - minimum > 100:
        raise ScoringModelError(f"{where}: a scale may have at most 101 points")
    weight = _decimal(data.get("weight", 1), f"{where}.weight")
    if weight < 0:
        raise ScoringModelError(f"{where}.weight: must not be negative")
    labels_data = data.get("labels") or {}
    if not isinstance(labels_data, Mapping):
        raise ScoringModelError(f"{where}.labels: must map scores to words")
    try:
        labels = {int(k): str(v) for k, v in labels_data.items()}
    except (TypeError, ValueError):
        raise ScoringModelError(f"{where}.labels: keys must be whole numbers") from None
    return Scale(
        code=code,
        label=str(data.get("label") or code.replace("_", " ").capitalize()),
        minimum=minimum,
        maximum=maximum,
        labels=labels,
        hint=str(data.get("hint") or ""),
        weight=weight,
    )


def _plain(data: Any) -> Any:
    """A JSON-safe copy of the YAML, kept with every assessment scored by it."""
    if isinstance(data, Mapping):
        return {str(k): _plain(v) for k, v in data.items()}
    if isinstance(data, list | tuple):
        return [_plain(v) for v in data]
    if isinstance(data, Decimal):
        return str(data)
    return data
