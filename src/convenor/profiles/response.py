"""The response level the threat defines: the configured rules applied to a profile's metrics.

The level is the highest any rule calls for (the lowest configured level when none applies);
every rule that applied is kept as a reason, and a rule whose figure the profile does not have
(its source not yet available) is listed as not evaluated rather than silently passed over.
"""

from __future__ import annotations

from dataclasses import dataclass

from .config import ResponseLevels
from .wording import fill, metric_label


@dataclass(frozen=True)
class ResponseDecision:
    level: str
    label: str
    reasons: list[dict]
    not_evaluated: list[str]

    def as_dict(self) -> dict:
        return {
            "level": self.level,
            "label": self.label,
            "reasons": self.reasons,
            "not_evaluated": self.not_evaluated,
        }


def decide(metrics: dict[str, float], rules: ResponseLevels) -> ResponseDecision:
    rank = {level: index for index, level in enumerate(rules.levels)}
    level = rules.levels[0]
    reasons: list[dict] = []
    not_evaluated: list[str] = []
    for rule in rules.rules:
        value = metrics.get(rule.metric)
        if value is None:
            not_evaluated.append(rule.metric)
            continue
        if rule.applies(value):
            template = rule.reason or f"{metric_label(rule.metric)}: {{value}}"
            reasons.append(
                {
                    "level": rule.level,
                    "label": rules.label(rule.level),
                    "metric": rule.metric,
                    "value": value,
                    "rule": rule.describe(),
                    "text": fill(template, value),
                    "template": template,
                    "public_text": rule.public_reason,
                }
            )
            if rank[rule.level] > rank[level]:
                level = rule.level
    reasons.sort(key=lambda r: -rank[r["level"]])
    return ResponseDecision(
        level=level,
        label=rules.label(level),
        reasons=reasons,
        not_evaluated=sorted(set(not_evaluated)),
    )
