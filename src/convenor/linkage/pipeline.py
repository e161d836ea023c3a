"""link_records: normalise, block, score with a Splink model, apply analysts' decisions, cluster."""

from __future__ import annotations

import logging
import math
import os
import tempfile
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, Literal

import pandas as pd

from . import model
from .clustering import Decisions, cluster
from .normalise import (
    NORMALISERS,
    RECORD_COLUMNS,
    address_parts,
    address_tokens,
    infer_kind,
    name_variants,
    normalise_text,
    postcode_district,
    postcode_sector,
    sound_of,
    token_bits,
)
from .training import floored, share_corrected_for_recall, train, u_without_matches

logger = logging.getLogger(__name__)
# A library never prints: without these, Python's last-resort handler writes Splink's warnings to
# stderr when the application has configured no logging. Applications that do configure logging
# still receive both loggers' records.
logging.getLogger("splink").addHandler(logging.NullHandler())
logger.addHandler(logging.NullHandler())

Progress = Callable[[str, float], None]
COMPARED_COLUMNS = tuple(
    column for column in RECORD_COLUMNS if column not in {"record_id", "source", "kind"}
)


LIST_COLUMNS = frozenset({"first_name_variants", "address_tokens"})  # derived: lists of text
# Derived: a 63-bit signature of each list (normalise.token_bits), tested before the lists.
INTEGER_COLUMNS = frozenset({"first_name_variants_bits", "address_token_bits"})
MIN_RECORDS_TO_TRAIN = 50  # below this, never train, whatever the settings say


class LinkageInputError(ValueError):
    """The records cannot be linked as given; the message names the column and the problem."""


@dataclass(frozen=True)
class LinkageSettings:
    """How link_records runs. The defaults suit a partnership's datasets on one machine."""

    engine: Literal["duckdb", "spark"] = "duckdb"
    # Pairs at or above this probability join records into one cluster.
    match_threshold: float = 0.9
    # Pairs at or above this probability are returned for review (never above match_threshold).
    review_threshold: float = 0.5
    # Fewer records than this: keep the prior m and u values instead of training the model.
    train_min_records: int = 1000
    # Random pairs sampled to estimate u; pairs used for each expectation-maximisation pass.
    u_max_pairs: float = 2e6
    em_max_pairs: float = 1e6
    # Assumed recall of the deterministic rules used to estimate the share of matching pairs.
    deterministic_recall: float = 0.8
    # Two records of one cluster whose own pair scores below this are split apart (0: never).
    split_below: float = 0.001
    seed: int = 42
    # DuckDB: threads and memory (None: DuckDB's defaults); spill directory for big jobs.
    duckdb_threads: int | None = None
    duckdb_memory_limit: str | None = None
    duckdb_temp_directory: str | None = None
    # Spark: an existing SparkSession, or the master URL and settings for a new local one.
    spark_session: Any = None
    spark_master: str = "local[1]"
    spark_config: dict[str, str] = field(default_factory=dict)

    def __post_init__(self) -> None:
        if self.engine not in ("duckdb", "spark"):
            raise ValueError(f"engine must be 'duckdb' or 'spark', not {self.engine!r}")
        for name in ("match_threshold", "review_threshold"):
            value = getattr(self, name)
            if not 0 < value <= 1:
                raise ValueError(f"{name} must be above 0 and at most 1, not {value!r}")


@dataclass
class LinkageResult:
    """What link_records found.

    pairs: record_id_l, record_id_r, match_probability, match_weight, agreeing (the fields that
      count for the match, e.g. ["name", "date_of_birth"]), evidence (each compared field's level,
      e.g. {"name": "first name and surname swapped"}), comparison_vector (per field [gamma, match
      weight]: the level Splink scored, -1 for a value missing on one side, and its weight for this
      pair, term frequencies included; convenor.linkage.explain puts it in words), decision
      ("confirmed" or None). Pairs at or above review_threshold plus every confirmed pair; rejected
      pairs are left out. A confirmed pair the model did not score has match_probability 1.0,
      match_weight NaN and an empty comparison_vector.
    clusters: record_id, cluster_id; every input record once.
    model_summary: the model for display: how it was trained, the share of matching pairs, and per
      field and level the m and u probabilities and the match weight.
    """

    pairs: pd.DataFrame
    clusters: pd.DataFrame
    model_summary: dict[str, Any]


def prepare_records(records: pd.DataFrame) -> pd.DataFrame:
    """The records' known columns normalised, with the derived columns the model compares; raises
    LinkageInputError for a missing or repeated record_id."""
    if "record_id" not in records.columns:
        raise LinkageInputError("record_id: the column is missing")
    frame = pd.DataFrame(index=range(len(records)))
    for column in RECORD_COLUMNS:
        if column == "kind":
            continue
        if column in records.columns:
            values = records[column].tolist()
            normalise = NORMALISERS[column]
            frame[column] = pd.Series([normalise(value) for value in values], dtype="object")
        else:
            frame[column] = pd.Series([None] * len(records), dtype="object")
    missing = frame["record_id"].isna()
    if missing.any():
        row = int(missing.to_numpy().nonzero()[0][0]) + 1
        raise LinkageInputError(f"record_id: row {row} has no record id")
    repeated = frame["record_id"].duplicated()
    if repeated.any():
        first = frame["record_id"][repeated].iloc[0]
        raise LinkageInputError(f"record_id: {first!r} appears more than once")
    raw_kind = records["kind"].tolist() if "kind" in records.columns else [None] * len(records)
    given = [(normalise_text(kind) or "").lower() for kind in raw_kind]
    kinds = pd.Series(given, dtype="object")
    unknown = ~kinds.isin(["person", "business", "vehicle", "address"])
    if unknown.any():  # infer only where the partner's file did not say
        rows = frame[unknown.to_numpy()].to_dict("records")
        kinds[unknown] = [infer_kind(row) for row in rows]
    frame["kind"] = kinds.to_numpy()
    frame["source"] = frame["source"].fillna("")
    frame["postcode_sector"] = [postcode_sector(value) for value in frame["postcode"]]
    frame["postcode_district"] = [postcode_district(value) for value in frame["postcode"]]
    frame["dob_year"] = frame["date_of_birth"].str.slice(0, 4)
    both = frame["first_name"].notna() & frame["surname"].notna()
    frame["full_name"] = (frame["first_name"] + " " + frame["surname"]).where(both, None)
    frame["email_user"] = frame["email"].str.split("@").str[0]
    frame["first_name_variants"] = [name_variants(name) for name in frame["first_name"]]
    frame["first_name_variants_bits"] = pd.array(
        [token_bits(variants) for variants in frame["first_name_variants"]], dtype="Int64"
    )
    frame["first_name_sound"] = [sound_of(name) for name in frame["first_name"]]
    frame["surname_sound"] = [sound_of(name) for name in frame["surname"]]
    parts = [address_parts(address) for address in frame["address"]]
    frame["address_number"] = [number for number, _ in parts]
    frame["address_words"] = [words for _, words in parts]
    frame["address_tokens"] = [address_tokens(address) for address in frame["address"]]
    frame["address_token_bits"] = pd.array(
        [token_bits(tokens) for tokens in frame["address_tokens"]], dtype="Int64"
    )
    # The street's first letters, within the postcode district when there is one: a block key.
    frame["address_start"] = [
        None if words is None else " ".join(filter(None, (words[:4], district)))
        for words, district in zip(frame["address_words"], frame["postcode_district"], strict=True)
    ]
    return frame


def _duckdb_api(settings: LinkageSettings):
    import duckdb
    from splink import DuckDBAPI

    connection = duckdb.connect()
    connection.execute("SET enable_progress_bar = false")
    if settings.duckdb_threads:
        connection.execute(f"SET threads = {int(settings.duckdb_threads)}")
    if settings.duckdb_memory_limit:
        connection.execute("SET memory_limit = ?", [settings.duckdb_memory_limit])
    if settings.duckdb_temp_directory:
        connection.execute("SET temp_directory = ?", [settings.duckdb_temp_directory])
    return DuckDBAPI(connection=connection), connection.close


def spark_session_for(settings: LinkageSettings):
    """A local SparkSession with Splink's similarity functions on its class path."""
    from pyspark.sql import SparkSession
    from splink.backends.spark import similarity_jar_location

    builder = (
        SparkSession.builder.master(settings.spark_master)
        .appName("convenor-linkage")
        .config("spark.jars", similarity_jar_location())
        .config("spark.sql.shuffle.partitions", "2")
        .config("spark.default.parallelism", "2")
        .config("spark.ui.enabled", "false")
        .config("spark.ui.showConsoleProgress", "false")
        .config("spark.sql.adaptive.enabled", "true")
        .config("spark.driver.memory", os.environ.get("CONVENOR_SPARK_DRIVER_MEMORY", "2g"))
    )
    for key, value in settings.spark_config.items():
        builder = builder.config(key, value)
    session = builder.getOrCreate()
    session.sparkContext.setLogLevel("ERROR")
    checkpoints = os.environ.get("CONVENOR_SPARK_CHECKPOINT_DIR") or tempfile.mkdtemp(
        prefix="convenor-spark-"
    )
    session.sparkContext.setCheckpointDir(checkpoints)
    return session


def _spark_api(settings: LinkageSettings):
    from splink import SparkAPI

    session = settings.spark_session or spark_session_for(settings)
    api = SparkAPI(spark_session=session, num_partitions_on_repartition=2)
    return api, (lambda: None)


def _register(api, frame: pd.DataFrame, engine: str):
    if engine == "spark":
        from pyspark.sql.types import ArrayType, LongType, StringType, StructField, StructType

        def spark_type(column: str):
            if column in INTEGER_COLUMNS:
                return LongType()
            return ArrayType(StringType()) if column in LIST_COLUMNS else StringType()

        schema = StructType(
            [StructField(column, spark_type(column), True) for column in frame.columns]
        )
        rows = frame.astype(object).where(frame.notna(), None).to_records(index=False).tolist()
        spark_frame = api.spark.createDataFrame(rows, schema=schema)
        return api.register(spark_frame)
    return api.register(frame)


def _columns_with_values(frame: pd.DataFrame) -> set[str]:
    return {column for column in COMPARED_COLUMNS if frame[column].notna().any()}


def _prior_share_of_matches(count: int) -> float:
    """Before any evidence: about one match per record among all pairs, i.e. 1/n."""
    return min(0.1, max(1e-7, 1 / max(count, 2)))


def link_records(
    records: pd.DataFrame,
    settings: LinkageSettings | None = None,
    decisions: Decisions | None = None,
    progress: Progress | None = None,
) -> LinkageResult:
    """Find the records that describe the same person, business, vehicle or address.

    See the package docstring for the columns. Raises LinkageInputError for unusable input and
    clustering.ConflictingDecisions when decisions contradict each other."""
    settings = settings or LinkageSettings()
    decisions = decisions or Decisions()

    def report(stage: str, fraction: float) -> None:
        logger.info("linkage: %s (%.0f%%)", stage, fraction * 100)
        if progress is not None:
            progress(stage, fraction)

    report("normalising records", 0.0)
    frame = prepare_records(records)
    count = len(frame)
    present = _columns_with_values(frame)
    fields = model.fields_for(present)
    summary: dict[str, Any] = {
        "engine": settings.engine,
        "records": count,
        "fields": [],
        "training": [],
    }
    empty_pairs = pd.DataFrame(
        {
            "record_id_l": pd.Series(dtype="object"),
            "record_id_r": pd.Series(dtype="object"),
            "match_probability": pd.Series(dtype="float64"),
            "match_weight": pd.Series(dtype="float64"),
            "agreeing": pd.Series(dtype="object"),
            "evidence": pd.Series(dtype="object"),
            "comparison_vector": pd.Series(dtype="object"),
            "decision": pd.Series(dtype="object"),
        }
    )
    if count < 2 or not fields:
        summary["training"].append("nothing to compare: fewer than two records or no shared fields")
        pairs = _with_confirmed(empty_pairs, decisions, set(frame["record_id"]))
        report("clustering", 0.9)
        clusters = cluster(frame["record_id"], pairs, settings.match_threshold, decisions)
        report("done", 1.0)
        return LinkageResult(pairs=pairs, clusters=clusters, model_summary=summary)

    from splink import Linker, SettingsCreator

    report("starting the linkage engine", 0.05)
    api, close = _duckdb_api(settings) if settings.engine == "duckdb" else _spark_api(settings)
    try:
        table = _register(api, frame, settings.engine)
        creator = SettingsCreator(
            link_type="dedupe_only",
            unique_id_column_name="record_id",
            comparisons=[field_.comparison() for field_ in fields],
            blocking_rules_to_generate_predictions=model.blocking_rules_for(
                present, model.wide_rules_within_budget(frame, present)
            ),
            probability_two_random_records_match=_prior_share_of_matches(count),
            retain_matching_columns=False,
            retain_intermediate_calculation_columns=True,
        )
        linker = Linker(table, creator, log_level=None)
        needed_to_train = max(MIN_RECORDS_TO_TRAIN, settings.train_min_records)
        if count >= needed_to_train:
            train(linker, present, settings, summary, report)
            # Expectation maximisation can drive an m (or u) to almost nothing when a level is
            # rare in the training pairs, which would make that level veto any match. Floor them
            # and rebuild the linker from the floored model.
            trained = share_corrected_for_recall(
                linker.misc.save_model_to_json(),
                present,
                settings.deterministic_recall,
                summary["training"],
            )
            trained = u_without_matches(trained, summary["training"])
            trained = floored(trained, _prior_share_of_matches(count), summary["training"])
            linker = Linker(table, trained, log_level=None)
        else:
            summary["training"].append(
                f"prior m and u values: {count} records are fewer than the "
                f"{needed_to_train} needed to train"
            )
        report("scoring pairs", 0.6)
        threshold = min(settings.review_threshold, settings.match_threshold)
        # The same model, keeping each pair's comparison vector (gamma_<field>) to explain it.
        explaining = linker.misc.save_model_to_json()
        explaining["retain_matching_columns"] = True
        linker = Linker(table, explaining, log_level=None)
        scored = linker.inference.predict(threshold_match_probability=threshold)
        predictions = scored.as_pandas_dataframe()
        model_dict = linker.misc.save_model_to_json()
        model_dict["retain_matching_columns"] = False

        report("explaining pairs", 0.8)
        summary.update(_describe_model(model_dict, fields))
        pairs = _explain(predictions, model_dict, fields)
        rejected = decisions.rejected
        if rejected and len(pairs):
            keys = [
                frozenset((a, b))
                for a, b in zip(pairs["record_id_l"], pairs["record_id_r"], strict=True)
            ]
            pairs = pairs[[key not in rejected for key in keys]].reset_index(drop=True)
        pairs = _with_confirmed(pairs, decisions, set(frame["record_id"]))
        report("clustering", 0.9)
        clusters = cluster(frame["record_id"], pairs, settings.match_threshold, decisions)
        disagreeing = _disagreeing_within_chains(
            api, frame, clusters, model_dict, settings, decisions, summary["training"]
        )
        if disagreeing:
            clusters = cluster(
                frame["record_id"], pairs, settings.match_threshold, decisions, disagreeing
            )
    finally:
        close()
    report("done", 1.0)
    return LinkageResult(pairs=pairs, clusters=clusters, model_summary=summary)


def _disagreeing_within_chains(
    api,
    frame: pd.DataFrame,
    clusters: pd.DataFrame,
    model_dict: dict,
    settings: LinkageSettings,
    decisions: Decisions,
    notes: list[str],
) -> set[frozenset[str]]:
    """Strong pairs chain A~B~C into one cluster even when A and C are plainly two people.
    Score every pair inside each cluster of three or more records (the same model, blocking on
    the provisional cluster) and return those scoring below settings.split_below: clustering
    again with them kept apart splits the chain at its weakest joins."""
    sizes = clusters["cluster_id"].map(clusters["cluster_id"].value_counts())
    chained = clusters[sizes.to_numpy() >= 3]
    if chained.empty or settings.split_below <= 0:
        return set()
    from splink import Linker

    provisional = dict(zip(chained["record_id"], chained["cluster_id"], strict=True))
    # The whole frame, so that term frequencies stay those of all the records.
    with_cluster = frame.assign(provisional_cluster=frame["record_id"].map(provisional))
    rescoring = dict(model_dict)
    rescoring["blocking_rules_to_generate_predictions"] = [
        {"blocking_rule": "l.provisional_cluster = r.provisional_cluster", "sql_dialect": "duckdb"}
    ]
    table = _register(api, with_cluster, settings.engine)
    linker = Linker(table, rescoring, log_level=None)
    scored = linker.inference.predict().as_pandas_dataframe()
    weak = scored[scored["match_probability"] < settings.split_below]
    # Records an analyst has confirmed are settled: the model's disagreement does not split them.
    settled = {record_id for pair in decisions.confirmed for record_id in pair}
    disagreeing = {
        frozenset(pair)
        for pair in zip(
            weak["record_id_l"].astype(str), weak["record_id_r"].astype(str), strict=True
        )
        if not settled & set(pair)
    }
    if disagreeing:
        notes.append(
            f"{len(chained):,} records in clusters of three or more rescored pair by pair; "
            f"{len(disagreeing):,} pairs below {settings.split_below} kept apart"
        )
    return disagreeing


def _levels(model_dict: dict, fields: list[model.Field]) -> dict[str, list[dict]]:
    """Per field: its levels (null level excluded) with gamma value, label, m, u, weight."""
    described: dict[str, list[dict]] = {}
    for comparison in model_dict["comparisons"]:
        name = comparison["output_column_name"]
        levels = [
            level for level in comparison["comparison_levels"] if not level.get("is_null_level")
        ]
        rows = []
        count = len(levels)
        for position, level in enumerate(levels):
            m = level.get("m_probability")
            u = level.get("u_probability")
            weight = math.log2(m / u) if m and u else None
            rows.append(
                {
                    "gamma": count - 1 - position,
                    "label": level.get("label_for_charts", ""),
                    "m_probability": m,
                    "u_probability": u,
                    "match_weight": weight,
                }
            )
        described[name] = rows
    return described


def _describe_model(model_dict: dict, fields: list[model.Field]) -> dict[str, Any]:
    levels = _levels(model_dict, fields)
    return {
        "probability_two_random_records_match": model_dict["probability_two_random_records_match"],
        "fields": [{"field": name, "levels": rows} for name, rows in levels.items()],
    }


def _explain(
    predictions: pd.DataFrame, model_dict: dict, fields: list[model.Field]
) -> pd.DataFrame:
    """Scored pairs with, for each, its comparison vector (per field the level Splink scored,
    gamma_<field>, and that level's match weight for the pair, term frequencies included), the
    level's label and the fields that count for the match (a positive weight)."""
    levels = _levels(model_dict, fields)
    pairs = pd.DataFrame(
        {
            "record_id_l": predictions["record_id_l"].astype(object),
            "record_id_r": predictions["record_id_r"].astype(object),
            "match_probability": predictions["match_probability"].astype(float),
            "match_weight": predictions["match_weight"].astype(float),
        }
    )
    agreeing: list[list[str]] = [[] for _ in range(len(pairs))]
    evidence: list[dict[str, str]] = [{} for _ in range(len(pairs))]
    vectors: list[dict[str, list]] = [{} for _ in range(len(pairs))]
    for name, rows in levels.items():
        gamma_column = f"gamma_{name}"
        if gamma_column not in predictions.columns:
            continue
        labels = {row["gamma"]: row["label"] for row in rows}
        level_weights = predictions[f"mw_{name}"].fillna(0.0).astype(float)
        weights = level_weights
        adjustment = f"mw_tf_adj_{name}"  # term frequency adjustment, where the level has one
        if adjustment in predictions.columns:
            weights = weights + predictions[adjustment].fillna(0.0).astype(float)
        gammas = predictions[gamma_column].astype(int).tolist()
        scored = zip(gammas, weights.tolist(), level_weights.tolist(), strict=True)
        for index, (gamma, weight, level_weight) in enumerate(scored):
            vectors[index][name] = [gamma, round(weight, 4)]
            if gamma in labels:  # -1: the null level, a value missing on one side
                evidence[index][name] = labels[gamma]
            if level_weight > 0:  # the level counts for a match (a common name still agrees)
                agreeing[index].append(name)
    pairs["agreeing"] = agreeing
    pairs["evidence"] = evidence
    pairs["comparison_vector"] = vectors
    pairs["decision"] = None
    return pairs.sort_values(
        ["match_probability", "record_id_l", "record_id_r"], ascending=[False, True, True]
    ).reset_index(drop=True)


def _with_confirmed(pairs: pd.DataFrame, decisions: Decisions, known: set[str]) -> pd.DataFrame:
    if not decisions.confirmed:
        return pairs
    pairs = pairs.copy()
    index = {
        frozenset((a, b)): position
        for position, (a, b) in enumerate(
            zip(pairs["record_id_l"], pairs["record_id_r"], strict=True)
        )
    }
    extra = []
    for pair in sorted(decisions.confirmed, key=sorted):
        if not pair <= known:
            continue
        if pair in index:
            position = index[pair]
            pairs.at[position, "decision"] = "confirmed"
            continue
        a, b = sorted(pair)
        extra.append(
            {
                "record_id_l": a,
                "record_id_r": b,
                "match_probability": 1.0,
                "match_weight": math.nan,  # not scored: linked by the decision alone
                "agreeing": [],
                "evidence": {},
                "comparison_vector": {},
                "decision": "confirmed",
            }
        )
    if extra:
        pairs = (
            pd.concat([pairs, pd.DataFrame(extra)], ignore_index=True)
            if len(pairs)
            else pd.DataFrame(extra)
        )
    return pairs
