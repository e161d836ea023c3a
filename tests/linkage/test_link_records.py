"""link_records on small data with known answers, analysts' decisions, and bad input."""

from __future__ import annotations

import pandas as pd
import pytest

from convenor.linkage import (
    ConflictingDecisions,
    Decisions,
    LinkageInputError,
    LinkageSettings,
    link_records,
)
from tests.linkage.conftest import EXPECTED_CLUSTERS, KNOWN_RECORDS, clusters_of, pair_set


def test_known_records_cluster_as_expected(known_records):
    result = link_records(known_records)
    assert clusters_of(result) == sorted(EXPECTED_CLUSTERS, key=lambda group: sorted(group))
    # Every input record appears exactly once.
    assert sorted(result.clusters["record_id"]) == sorted(r["record_id"] for r in KNOWN_RECORDS)
    assert result.clusters["record_id"].is_unique
    # The cluster id is the smallest record id in the cluster.
    assert set(
        result.clusters.set_index("record_id").loc[["a1", "a2", "a3", "a4"], "cluster_id"]
    ) == {"a1"}


def test_pairs_say_why_records_link(known_records):
    result = link_records(known_records)
    pairs = result.pairs.set_index(
        [result.pairs["record_id_l"] + "|" + result.pairs["record_id_r"]]
    )
    assert list(result.pairs.columns[:5]) == [
        "record_id_l",
        "record_id_r",
        "match_probability",
        "match_weight",
        "agreeing",
    ]
    swapped = pairs.loc["a1|a3"]
    assert swapped["match_probability"] >= 0.9
    assert swapped["agreeing"] == ["first_name", "surname", "date_of_birth"]
    assert swapped["evidence"]["first_name"] == "swapped with surname"
    assert swapped["evidence"]["surname"] == "swapped with first name"
    assert swapped["evidence"]["date_of_birth"] == "day and month transposed"
    typo = pairs.loc["a1|a2"]
    assert set(typo["agreeing"]) == {"first_name", "surname", "date_of_birth", "postcode", "phone"}
    assert pairs.loc["a1|a4"]["evidence"]["date_of_birth"] == "year one out"
    assert pairs.loc["v1|v2"]["agreeing"] == ["vehicle_registration"]
    assert set(pairs.loc["co1|co2"]["agreeing"]) == {"company_number", "company_name"}
    # The household pair may be shown for review but scores below the match threshold.
    if "c1|c2" in pairs.index:
        assert pairs.loc["c1|c2"]["match_probability"] < 0.9
    # Records of different kinds are never compared; strongest pairs come first.
    assert frozenset({"a1", "v1"}) not in pair_set(result)
    assert result.pairs["match_probability"].is_monotonic_decreasing


def test_model_summary_lists_fields_and_levels(known_records):
    summary = link_records(known_records).model_summary
    assert summary["engine"] == "duckdb"
    assert summary["records"] == len(KNOWN_RECORDS)
    fields = {field["field"]: field["levels"] for field in summary["fields"]}
    assert {
        "first_name",
        "surname",
        "date_of_birth",
        "postcode",
        "phone",
        "vehicle_registration",
    } <= set(fields)
    labels = [level["label"] for level in fields["date_of_birth"]]
    assert labels[:3] == ["exact", "day and month transposed", "year one out"]
    assert fields["surname"][0]["match_weight"] > 0 > fields["surname"][-1]["match_weight"]
    assert "prior m and u values" in summary["training"][0]


def test_rejected_pair_never_links_even_through_a_third_record(known_records):
    decisions = Decisions(rejected={frozenset({"a2", "a3"})})
    result = link_records(known_records, decisions=decisions)
    cluster_of = result.clusters.set_index("record_id")["cluster_id"]
    assert cluster_of["a2"] != cluster_of["a3"]
    assert frozenset({"a2", "a3"}) not in pair_set(result)
    # The rest still link.
    assert cluster_of["b1"] == cluster_of["b2"]


def test_confirmed_pair_always_links(known_records):
    decisions = Decisions(confirmed={frozenset({"c1", "c2"}), frozenset({"x1", "b2"})})
    result = link_records(known_records, decisions=decisions)
    cluster_of = result.clusters.set_index("record_id")["cluster_id"]
    assert cluster_of["c1"] == cluster_of["c2"]
    assert cluster_of["x1"] == cluster_of["b1"] == cluster_of["b2"]
    confirmed = result.pairs[result.pairs["decision"] == "confirmed"]
    unscored = confirmed[(confirmed["record_id_l"] == "b2") & (confirmed["record_id_r"] == "x1")]
    assert unscored["match_probability"].tolist() == [1.0]
    assert unscored["match_weight"].isna().all() and unscored["agreeing"].tolist() == [[]]
    assert {
        frozenset(p) for p in zip(confirmed["record_id_l"], confirmed["record_id_r"], strict=True)
    } == {
        frozenset({"c1", "c2"}),
        frozenset({"x1", "b2"}),
    }


def test_decisions_survive_a_rerun_with_new_records(known_records):
    decisions = Decisions(rejected={frozenset({"a1", "a4"})}, confirmed={frozenset({"c1", "c2"})})
    more = pd.concat(
        [
            known_records,
            pd.DataFrame(
                [
                    {
                        "record_id": "a5",
                        "source": "probation",
                        "first_name": "John",
                        "surname": "Smith",
                        "date_of_birth": "1981-03-12",
                        "postcode": "PR1 2HE",
                    }
                ]
            ),
        ],
        ignore_index=True,
    )
    for records in (known_records, more):
        cluster_of = link_records(records, decisions=decisions).clusters.set_index("record_id")[
            "cluster_id"
        ]
        assert cluster_of["a1"] != cluster_of["a4"]
        assert cluster_of["c1"] == cluster_of["c2"]


def test_contradictory_decisions_are_refused(known_records):
    with pytest.raises(ConflictingDecisions, match="rejected"):
        link_records(
            known_records,
            decisions=Decisions(
                confirmed={frozenset({"x1", "c1"}), frozenset({"c1", "c2"})},
                rejected={frozenset({"x1", "c2"})},
            ),
        )
    with pytest.raises(ConflictingDecisions, match="both confirmed and rejected"):
        Decisions(confirmed={frozenset({"a", "b"})}, rejected={frozenset({"a", "b"})})
    with pytest.raises(ValueError, match="two different record ids"):
        Decisions(confirmed={frozenset({"a"})})


def test_progress_is_reported_in_order(known_records):
    seen: list[tuple[str, float]] = []
    link_records(known_records, progress=lambda stage, fraction: seen.append((stage, fraction)))
    fractions = [fraction for _, fraction in seen]
    assert fractions == sorted(fractions)
    assert seen[0][1] == 0.0 and seen[-1] == ("done", 1.0)


def test_missing_columns_and_tiny_inputs_work():
    only_ids = link_records(pd.DataFrame({"record_id": ["r1", "r2"]}))
    assert sorted(only_ids.clusters["cluster_id"]) == ["r1", "r2"]
    assert only_ids.pairs.empty
    one = link_records(pd.DataFrame([{"record_id": "r1", "surname": "Khan"}]))
    assert one.clusters.to_dict("records") == [{"record_id": "r1", "cluster_id": "r1"}]
    none = link_records(pd.DataFrame({"record_id": pd.Series([], dtype=object)}))
    assert none.clusters.empty and none.pairs.empty
    # Only vehicles, with a confirmed pair for records that share nothing.
    vehicles = link_records(
        pd.DataFrame(
            {
                "record_id": ["v1", "v2", "v3"],
                "vehicle_registration": ["AB12CDE", "ab12 cde", "XY99ZZZ"],
            }
        ),
        decisions=Decisions(confirmed={frozenset({"v1", "v3"})}),
    )
    assert set(vehicles.clusters["cluster_id"]) == {"v1"}


@pytest.mark.parametrize(
    ("records", "message"),
    [
        (pd.DataFrame({"surname": ["Khan"]}), "record_id: the column is missing"),
        (pd.DataFrame({"record_id": ["r1", None]}), "record_id: row 2 has no record id"),
        (pd.DataFrame({"record_id": ["r1", "r1"]}), "record_id: 'r1' appears more than once"),
    ],
)
def test_bad_input_names_the_field(records, message):
    with pytest.raises(LinkageInputError, match=message):
        link_records(records)


@pytest.mark.parametrize(
    ("options", "message"),
    [
        ({"engine": "oracle"}, "engine must be"),
        ({"match_threshold": 0}, "match_threshold must be"),
        ({"review_threshold": 1.5}, "review_threshold must be"),
    ],
)
def test_bad_settings_name_the_setting(options, message):
    with pytest.raises(ValueError, match=message):
        LinkageSettings(**options)


def test_the_library_prints_nothing(known_records, capsys):
    link_records(known_records)
    captured = capsys.readouterr()
    assert captured.out == "" and captured.err == ""


def test_no_django_inside_the_libraries():
    import subprocess
    import sys

    code = (
        "import sys, convenor.linkage, convenor.network; "
        "print(sorted(m for m in sys.modules if m.split('.')[0] == 'django'))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"


def test_fewer_than_fifty_records_never_train(known_records):
    result = link_records(known_records, LinkageSettings(train_min_records=1))
    assert result.model_summary["training"] == [
        f"prior m and u values: {len(KNOWN_RECORDS)} records are fewer than the 50 needed to train"
    ]
    assert clusters_of(result) == sorted(EXPECTED_CLUSTERS, key=lambda group: sorted(group))


def test_training_on_data_without_any_duplicates_keeps_a_usable_model():
    vehicles = pd.DataFrame(
        {
            "record_id": [f"v{i}" for i in range(60)],
            "vehicle_registration": [f"AB{i:02d}CDE" for i in range(60)],
        }
    )
    result = link_records(vehicles, LinkageSettings(train_min_records=50))
    assert "share of matching pairs set to 1/n" in " ".join(result.model_summary["training"])
    assert result.model_summary["probability_two_random_records_match"] == pytest.approx(1 / 60)
    assert result.clusters["cluster_id"].nunique() == 60


def test_namesakes_e_mail_addresses_are_not_evidence_of_one_person():
    # Two John Smiths born years apart in different towns, with the look-alike addresses that
    # mail providers hand out; one has a second record with the same address as his first.
    people = pd.DataFrame(
        [
            ("j1", "John", "Smith", "1971-02-03", "PR1 2HE", "j.smith.14@example.org"),
            ("j2", "John", "Smith", "1988-09-30", "M1 1AE", "j.smith.41@example.org"),
            ("j3", "John", "Smith", "1971-02-03", "PR1 2HE", "j.smith.14@example.org"),
        ],
        columns=["record_id", "first_name", "surname", "date_of_birth", "postcode", "email"],
    )
    result = link_records(people)
    evidence = {
        frozenset((row.record_id_l, row.record_id_r)): row.evidence
        for row in result.pairs.itertuples()
    }
    assert evidence[frozenset(("j1", "j3"))]["email"] == "exact"
    for other in ("j1", "j3"):
        pair = frozenset(("j2", other))
        assert pair not in evidence or evidence[pair].get("email") == "different"
    labels = [
        level["label"]
        for field in result.model_summary["fields"]
        if field["field"] == "email"
        for level in field["levels"]
    ]
    assert labels == ["exact", "same name before the @", "different"]


@pytest.mark.parametrize(
    ("columns", "first_rule_columns"),
    [
        (
            {"first_name", "surname", "date_of_birth", "postcode", "phone"},
            ["kind", "first_name", "surname", "postcode"],
        ),
        ({"first_name", "surname", "date_of_birth"}, ["kind", "first_name", "surname"]),
    ],
)
def test_training_blocks_names_with_the_postcode_when_there_is_one(columns, first_rule_columns):
    # Names alone let namesakes swamp the true matches at a million records, and expectation
    # maximisation then learnt that matching records rarely share a date of birth.
    from convenor.linkage import model

    rules = [
        rule.get_blocking_rule("duckdb").blocking_rule_sql
        for rule in model.training_rules_for(columns)
    ]
    assert rules[0] == " AND ".join(
        f'(l."{column}" = r."{column}")' for column in first_rule_columns
    )
    # Between them the passes leave every comparison free in at least one pass.
    assert any("date_of_birth" not in rule for rule in rules)
    assert any("first_name" not in rule and "postcode" not in rule for rule in rules)


def test_a_chain_through_a_shared_phone_and_e_mail_does_not_join_two_people():
    # p2 is p1 (same name, date of birth, postcode) and shares a phone and an e-mail address with
    # p3, a different person: the strong pairs p1~p2 and p2~p3 would chain p1 to p3.
    people = pd.DataFrame(
        [
            ("p1", "John", "Smith", "1971-02-03", "PR1 2HE", "07700900123", None),
            ("p2", "John", "Smith", "1971-02-03", "PR1 2HE", "07700900456", "js@example.org"),
            ("p3", "Amira", "Khan", "1999-11-30", "M1 1AE", "07700900456", "js@example.org"),
        ],
        columns=[
            "record_id",
            "first_name",
            "surname",
            "date_of_birth",
            "postcode",
            "phone",
            "email",
        ],
    )
    result = link_records(people)
    assert pair_set(result) >= {frozenset({"p1", "p2"}), frozenset({"p2", "p3"})}
    cluster_of = result.clusters.set_index("record_id")["cluster_id"]
    assert cluster_of["p1"] == cluster_of["p2"] != cluster_of["p3"]
    assert "1 pairs below 0.001 kept apart" in " ".join(result.model_summary["training"])
    # Without the split, connected components chain all three.
    chained = link_records(people, LinkageSettings(split_below=0))
    assert chained.clusters["cluster_id"].nunique() == 1
