"""The disruption statistics that feed profiles and monitoring reports: sums by type, by P and by
impact equal the total; unverified disruptions are never counted; each partner counts a
disruption once however it took part."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from convenor.groups.statistics import DisruptionFact, disruption_statistics

TYPES = ["Arrest", "Cash seized", "Premises closed", "Licence revoked"]
PS = ["Pursue", "Prevent", "Protect", "Prepare"]
IMPACTS = ["Major", "Moderate", "Minor"]
PARTNERS = ["Police", "Council", "HMRC", "Twilight"]

facts = st.builds(
    DisruptionFact,
    disruption_type=st.sampled_from(TYPES),
    p=st.sampled_from(PS),
    impact=st.sampled_from(IMPACTS),
    partners=st.frozensets(st.sampled_from(PARTNERS), min_size=1),
    verified=st.booleans(),
)


@given(st.lists(facts, max_size=60))
def test_sums_by_type_p_and_impact_equal_the_total_of_verified(items):
    stats = disruption_statistics(items)
    verified = [f for f in items if f.verified]
    assert stats.total == len(verified)
    assert sum(stats.by_type.values()) == stats.total
    assert sum(stats.by_p.values()) == stats.total
    assert sum(stats.by_impact.values()) == stats.total
    assert stats.unverified_left_out == len(items) - len(verified)
    for partner, count in stats.by_partner.items():
        assert count == sum(partner in f.partners for f in verified)
    assert all(count > 0 for count in stats.by_type.values())


@given(st.lists(facts, max_size=40), st.lists(facts, max_size=20))
def test_unverified_disruptions_never_count(items, more):
    unverified = [DisruptionFact(f.disruption_type, f.p, f.impact, f.partners, False) for f in more]
    with_them = disruption_statistics(items + unverified)
    without = disruption_statistics(items)
    assert (with_them.total, with_them.by_type, with_them.by_p, with_them.by_impact,
            with_them.by_partner) == (without.total, without.by_type, without.by_p,
                                      without.by_impact, without.by_partner)  # fmt: skip
    assert with_them.unverified_left_out == without.unverified_left_out + len(unverified)


def test_nothing_counts_when_nothing_is_verified():
    stats = disruption_statistics([DisruptionFact("Arrest", "Pursue", "Major", verified=False)])
    assert stats.total == 0 and stats.by_type == {} and stats.unverified_left_out == 1


def test_statistics_stay_free_of_django():
    import ast
    from pathlib import Path

    import convenor.groups.statistics as module

    tree = ast.parse(Path(module.__file__).read_text())
    imported = {
        alias.name
        for node in ast.walk(tree)
        if isinstance(node, ast.Import | ast.ImportFrom)
        for alias in (node.names if isinstance(node, ast.Import) else [ast.alias(node.module)])
    }
    assert not any(name and name.startswith("django") for name in imported)
