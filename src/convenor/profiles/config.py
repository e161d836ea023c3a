"""The profile configuration (``reference/profile.yaml``): suppression threshold, map grid, trend
length and the response-level rule set. Loaded and checked in one place; a bad file is refused
with a message naming the field."""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

import yaml

from .wording import unbalanced_braces

DEFAULT_CONFIG = Path(__file__).parent / "reference" / "profile.yaml"
TESTS = ("at_least", "above", "at_most", "below")


class ConfigError(ValueError):
    """The profile configuration is wrong; the message names the field."""


@dataclass(frozen=True)
class ResponseRule:
    level: str
    metric: str
    test: str
    threshold: float
    reason: str
    public_reason: str = ""

    def applies(self, value: float) -> bool:
        if self.test == "at_least":
            return value >= self.threshold
        if self.test == "above":
            return value > self.threshold
        if self.test == "at_most":
            return value <= self.threshold
        return value < self.threshold

    def describe(self) -> str:
        words = {"at_least": "at least", "above": "above", "at_most": "at most", "below": "below"}
        return f"{self.metric} {words[self.test]} {_number(self.threshold)} → {self.level}"


@dataclass(frozen=True)
class ExploitationRule:
    """A kind of exploitation and how the profile recognises it: in a group (its members' ages
    and roles, threat areas, harm characteristics, the words of its description; ``match``
    says whether any or all of the group tests must hold) and in intelligence reports (their
    threat areas). Where it is seen, the profile offers ``prevent`` as a Prevent opportunity."""

    code: str
    name: str
    match: str = "any"
    members_younger_than: int | None = None
    member_roles: tuple[str, ...] = ()
    threat_areas: tuple[str, ...] = ()
    harm_characteristics: tuple[str, ...] = ()
    description_mentions: tuple[str, ...] = ()
    intelligence_threat_areas: tuple[str, ...] = ()
    prevent: str = ""
    public: bool = False

    @property
    def has_group_tests(self) -> bool:
        return bool(
            self.members_younger_than
            or self.threat_areas
            or self.harm_characteristics
            or self.description_mentions
        )


@dataclass(frozen=True)
class ResponseLevels:
    levels: tuple[str, ...]
    labels: dict[str, str]
    rules: tuple[ResponseRule, ...]

    def label(self, level: str) -> str:
        return self.labels.get(level, level.replace("_", " ").capitalize())


@dataclass(frozen=True)
class ProfileConfig:
    suppression_threshold: int
    grid_metres: int
    trend_quarters: int
    response: ResponseLevels
    vulnerability_threat_areas: tuple[str, ...] = ()
    exploitation: tuple[ExploitationRule, ...] = ()
    best_placed: dict[str, list[str]] = field(default_factory=dict)
    source: str = field(default="")


def _number(value: float) -> str:
    return str(int(value)) if float(value).is_integer() else f"{value:g}"


def _whole(data: dict, key: str, where: str, low: int, high: int) -> int:
    value = data.get(key)
    if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
        raise ConfigError(f"{where}.{key} must be a whole number from {low} to {high}")
    return value


def parse_config(data: Any, source: str = "") -> ProfileConfig:
    """Check a configuration read from YAML and return it, or raise ConfigError naming the field."""
    if not isinstance(data, dict):
        raise ConfigError("The profile configuration must be a mapping (YAML keys and values)")
    suppression = data.get("suppression") or {}
    map_ = data.get("map") or {}
    if not isinstance(suppression, dict) or not isinstance(map_, dict):
        raise ConfigError("suppression and map must be mappings")
    raw_threshold = os.environ.get("CONVENOR_PROFILE_SUPPRESSION_THRESHOLD", "").strip()
    if raw_threshold:
        if not raw_threshold.isdigit() or int(raw_threshold) > 100:
            raise ConfigError(
                "CONVENOR_PROFILE_SUPPRESSION_THRESHOLD must be a whole number from 0 to 100"
            )
        threshold = int(raw_threshold)
    else:
        threshold = _whole(suppression, "threshold", "suppression", 0, 100)
    if threshold == 1:
        raise ConfigError(
            "The suppression threshold must be 0 (no suppression) or from 2 to 100: with 1, "
            '"fewer than 2" would say the count is 1'
        )
    grid = _whole(map_, "grid_metres", "map", 100, 100_000)
    trend = _whole(data, "trend_quarters", "profile", 2, 20)

    response = data.get("response_levels")
    if not isinstance(response, dict):
        raise ConfigError("response_levels is missing: it lists the levels and the rules")
    levels = response.get("levels")
    if (
        not isinstance(levels, list)
        or not levels
        or not all(isinstance(x, str) and x for x in levels)
    ):
        raise ConfigError("response_levels.levels must be a list of level names, lowest first")
    if len(set(levels)) != len(levels):
        raise ConfigError("response_levels.levels names a level twice")
    labels = response.get("labels") or {}
    if not isinstance(labels, dict):
        raise ConfigError("response_levels.labels must map level names to labels")
    rules = []
    for index, rule in enumerate(response.get("rules") or [], start=1):
        where = f"response_levels.rules[{index}]"
        if not isinstance(rule, dict):
            raise ConfigError(f"{where} must be a mapping")
        level = rule.get("level")
        if level not in levels:
            raise ConfigError(f"{where}.level must be one of {', '.join(levels)}")
        metric = rule.get("metric")
        if not isinstance(metric, str) or not metric:
            raise ConfigError(f"{where}.metric must name a figure, e.g. groups.band_1")
        tests = [t for t in TESTS if t in rule]
        if len(tests) != 1:
            raise ConfigError(f"{where} needs exactly one test: {', '.join(TESTS)}")
        number = rule[tests[0]]
        if isinstance(number, bool) or not isinstance(number, int | float):
            raise ConfigError(f"{where}.{tests[0]} must be a number")
        reason = rule.get("reason", "")
        if not isinstance(reason, str):
            raise ConfigError(f"{where}.reason must be text")
        if unbalanced_braces(reason):
            raise ConfigError(
                f"{where}.reason may hold only {{value}} and word choices like {{group|groups}}"
            )
        public_reason = rule.get("public_reason", "")
        if not isinstance(public_reason, str):
            raise ConfigError(f"{where}.public_reason must be text")
        if "{" in public_reason or "}" in public_reason:
            raise ConfigError(
                f"{where}.public_reason is published: it cannot show {{value}} or choose its "
                "words by it"
            )
        rules.append(ResponseRule(level, metric, tests[0], float(number), reason, public_reason))
    vulnerable = data.get("vulnerability_threat_areas") or []
    if not isinstance(vulnerable, list) or not all(isinstance(v, str) for v in vulnerable):
        raise ConfigError("vulnerability_threat_areas must be a list of threat area codes")
    exploitation = _exploitation_rules(data.get("exploitation") or [])
    best_placed = data.get("best_placed") or {}
    if not isinstance(best_placed, dict) or not all(
        isinstance(k, str) and isinstance(v, list) and all(isinstance(x, str) for x in v)
        for k, v in best_placed.items()
    ):
        raise ConfigError("best_placed must map each P to a list of organisation kinds")
    return ProfileConfig(
        vulnerability_threat_areas=tuple(vulnerable),
        exploitation=exploitation,
        best_placed={str(k): list(v) for k, v in best_placed.items()},
        suppression_threshold=threshold,
        grid_metres=grid,
        trend_quarters=trend,
        response=ResponseLevels(
            tuple(levels), {str(k): str(v) for k, v in labels.items()}, tuple(rules)
        ),
        source=source,
    )


_TEXT_LISTS = (
    "member_roles",
    "threat_areas",
    "harm_characteristics",
    "description_mentions",
    "intelligence_threat_areas",
)


def _exploitation_rules(raw: Any) -> tuple[ExploitationRule, ...]:
    if not isinstance(raw, list):
        raise ConfigError("exploitation must be a list of kinds of exploitation")
    rules, codes = [], set()
    for index, item in enumerate(raw, start=1):
        where = f"exploitation[{index}]"
        if not isinstance(item, dict):
            raise ConfigError(f"{where} must be a mapping")
        unknown = set(item) - {
            "code", "name", "match", "members_younger_than", "prevent", "public", *_TEXT_LISTS
        }  # fmt: skip
        if unknown:
            raise ConfigError(f"{where} has unknown keys: {', '.join(sorted(map(str, unknown)))}")
        for key in ("code", "name"):
            if not isinstance(item.get(key), str) or not item[key].strip():
                raise ConfigError(f"{where}.{key} must be text")
        if item["code"] in codes:
            raise ConfigError(f"{where}.code {item['code']} is used twice")
        codes.add(item["code"])
        match = item.get("match", "any")
        if match not in ("any", "all"):
            raise ConfigError(f"{where}.match must be any or all")
        lists = {}
        for key in _TEXT_LISTS:
            value = item.get(key) or []
            if not isinstance(value, list) or not all(
                isinstance(v, str) and v.strip() for v in value
            ):
                raise ConfigError(f"{where}.{key} must be a list of text")
            lists[key] = tuple(v.strip() for v in value)
        age = None
        if item.get("members_younger_than") is not None:
            age = _whole(item, "members_younger_than", where, 1, 120)
        if lists["member_roles"] and age is None:
            raise ConfigError(f"{where}.member_roles needs members_younger_than")
        prevent = item.get("prevent", "")
        if not isinstance(prevent, str):
            raise ConfigError(f"{where}.prevent must be text")
        public = item.get("public", False)
        if not isinstance(public, bool):
            raise ConfigError(f"{where}.public must be true or false")
        rule = ExploitationRule(
            code=item["code"].strip(),
            name=item["name"].strip(),
            match=match,
            members_younger_than=age,
            prevent=prevent.strip(),
            public=public,
            **lists,
        )
        if not rule.has_group_tests and not rule.intelligence_threat_areas:
            raise ConfigError(
                f"{where} needs a test: members_younger_than, threat_areas, "
                "harm_characteristics, description_mentions or intelligence_threat_areas"
            )
        rules.append(rule)
    return tuple(rules)


def load_config(path: str | Path | None = None) -> ProfileConfig:
    path = Path(path or os.environ.get("CONVENOR_PROFILE_CONFIG") or DEFAULT_CONFIG)
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as problem:
        raise ConfigError(f"Cannot read the profile configuration {path}: {problem}") from problem
    return parse_config(data, source=str(path))


@lru_cache(maxsize=1)
def current_config() -> ProfileConfig:
    return load_config()
