"""Training the linkage model: the share of matching pairs, u and m, and the guards that keep a
model trained on odd data usable (floors, the share corrected for the deterministic rules'
recall)."""

from __future__ import annotations

import math
from typing import TYPE_CHECKING

from . import model

if TYPE_CHECKING:
    from .pipeline import LinkageSettings


def train(linker, present: set[str], settings: LinkageSettings, summary: dict, report) -> None:
    """Estimate the share of matches, u by random sampling and m by EM; notes go to summary."""
    notes = summary["training"]
    report("estimating how often two records match", 0.1)
    rules = model.deterministic_rules_for(present)
    if rules:
        try:
            linker.training.estimate_probability_two_random_records_match(
                rules, recall=settings.deterministic_recall
            )
            notes.append("share of matching pairs estimated from deterministic rules")
        except Exception as error:  # noqa: BLE001 — keep the prior and say so
            notes.append(f"share of matching pairs kept at its prior: {error}")
    report("estimating u by random sampling", 0.2)
    try:
        linker.training.estimate_u_using_random_sampling(
            max_pairs=settings.u_max_pairs, seed=settings.seed
        )
        notes.append(f"u estimated from up to {int(settings.u_max_pairs):,} random pairs")
    except Exception as error:  # noqa: BLE001 — keep the prior u values and say so
        notes.append(f"u estimation failed, prior u values kept: {error}")
    training_rules = model.training_rules_for(present)
    for index, rule in enumerate(training_rules):
        report("estimating m by expectation maximisation", 0.3 + 0.2 * index / len(training_rules))
        try:
            linker.training.estimate_parameters_using_expectation_maximisation(
                rule, max_pairs=settings.em_max_pairs, estimate_without_term_frequencies=True
            )
            notes.append(
                f"m estimated by expectation maximisation on pairs blocked by {_rule_text(rule)}"
            )
        except Exception as error:  # noqa: BLE001 — EM may not converge on odd data: keep priors
            notes.append(
                f"expectation maximisation on {_rule_text(rule)} failed, priors kept: {error}"
            )


PROBABILITY_FLOOR = 1e-3  # m and u floors: no single level may weigh more than about +-10 bits
U_FLOOR = 1e-6


def floored(model_dict: dict, prior_share: float, notes: list[str]) -> dict:
    share = model_dict.get("probability_two_random_records_match")
    if not share or not 0 < share < 1:  # deterministic rules found no match at all
        model_dict["probability_two_random_records_match"] = prior_share
        notes.append("the deterministic rules found no matches: share of matching pairs set to 1/n")
    for comparison in model_dict["comparisons"]:
        for level in comparison["comparison_levels"]:
            if level.get("is_null_level"):
                continue
            if "m_probability" in level:
                level["m_probability"] = max(level["m_probability"], PROBABILITY_FLOOR)
            if "u_probability" in level:
                level["u_probability"] = max(level["u_probability"], U_FLOOR)
    return model_dict


def share_corrected_for_recall(
    model_dict: dict, present: set[str], assumed_recall: float, notes: list[str]
) -> dict:
    """The share of matching pairs was counted with the deterministic rules assuming they find
    `assumed_recall` of the matches. Once m is trained, their recall can be read from the model:
    a rule finds a match when every one of its fields agrees exactly (the product of those
    "exact" m values), and the union finds it unless every rule misses. Messy data (most copies
    carrying a typo) would otherwise leave the share, and so every match probability, too low."""
    exact_m = {
        comparison["output_column_name"]: level["m_probability"]
        for comparison in model_dict["comparisons"]
        for level in comparison["comparison_levels"]
        if level.get("label_for_charts") == "exact" and "m_probability" in level
    }
    share = model_dict.get("probability_two_random_records_match")
    if not share or not 0 < share < 1:  # the rules found nothing: floored() falls back to 1/n
        return model_dict
    missed = 1.0
    for fields in model.deterministic_fields_for(present):
        if not all(field_ in exact_m for field_ in fields):
            return model_dict  # a rule the model cannot account for: keep the assumption
        missed *= 1 - math.prod(exact_m[field_] for field_ in fields)
    recall = min(1.0, max(0.05, 1 - missed))
    share = share * assumed_recall / recall
    model_dict["probability_two_random_records_match"] = min(share, 0.5)
    notes.append(
        f"share of matching pairs corrected for the deterministic rules' recall in the trained "
        f"model ({recall:.2f}, {assumed_recall:.2f} assumed)"
    )
    return model_dict


def u_without_matches(model_dict: dict, notes: list[str]) -> dict:
    """u is estimated from random pairs as if none of them matched, but a share λ of them do, and
    those land mostly in the agreeing levels: observed u = (1 - λ) u + λ m. On a few thousand
    records λ is near 1/n and a level that matches almost never agree on by chance (a whole
    address, a date of birth) has its u made mostly of the matches themselves, which caps its
    weight. Solve for u with the trained m and the share: u = (observed u - λ m) / (1 - λ),
    floored later. On a million records λ is about 1e-6 and nothing moves."""
    share = model_dict.get("probability_two_random_records_match")
    if not share or not 0 < share < 0.5:
        return model_dict
    for comparison in model_dict["comparisons"]:
        for level in comparison["comparison_levels"]:
            if level.get("is_null_level") or "m_probability" not in level:
                continue
            if "u_probability" not in level:
                continue
            corrected = (level["u_probability"] - share * level["m_probability"]) / (1 - share)
            level["u_probability"] = max(corrected, U_FLOOR)
    notes.append(f"u corrected for the matching pairs among the random pairs (share {share:.2g})")
    return model_dict


def _rule_text(rule) -> str:
    try:
        return rule.get_blocking_rule("duckdb").blocking_rule_sql
    except Exception:  # noqa: BLE001
        return str(rule)
