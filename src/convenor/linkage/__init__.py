"""Entity resolution for partner datasets, on Splink (DuckDB by default, Spark for scale).

Pure Python: nothing here imports Django, so it runs in tests, the CLI, a worker or on Spark.

    from convenor.linkage import LinkageSettings, Decisions, link_records, normalise_record

    result = link_records(records, settings=None, decisions=None, progress=None)

records: a pandas DataFrame, one row per partner record, every value str or None; missing columns
  are allowed. record_id (unique, required), source (dataset id), kind ("person" | "business" |
  "vehicle" | "address"; inferred from the fields when missing), first_name, surname,
  date_of_birth (ISO, or UK day-first and other common formats), postcode, phone, email,
  vehicle_registration, company_name, company_number, licence_number, address.
settings: LinkageSettings(engine="duckdb" | "spark", match_threshold=0.9, review_threshold=0.5,
  train_min_records=1000, ...); defaults suit one machine.
decisions: Decisions(confirmed={frozenset({"a", "b"})}, rejected={frozenset({"c", "d"})}) from
  analysts. Applied after scoring and before clustering on every run: a confirmed pair always ends
  in one cluster, a rejected pair never does, not even through a third record.
progress: called as progress(stage: str, fraction: float) while the work runs.

result.pairs: DataFrame[record_id_l, record_id_r, match_probability, match_weight,
  agreeing (list[str]: the fields whose level counts for the match), evidence (dict: field ->
  level), comparison_vector (dict: field -> [gamma, match weight], the level Splink scored and its
  weight for the pair; convenor.linkage.explain.explain(vector, model_summary) puts it in words),
  decision ("confirmed" or None)], strongest first.
result.clusters: DataFrame[record_id, cluster_id]: every input record exactly once; cluster_id is
  the smallest record id in the cluster.
result.model_summary: dict: engine, records, training notes, the share of matching pairs and, per
  field and level, m and u probabilities and the match weight.

Fewer records than settings.train_min_records (and always under 50) use the model's prior m and u
values; more are trained (u by random sampling, m by expectation maximisation on blocked pairs, the
share of matches from deterministic rules). The library never prints; it logs to "convenor.linkage".
"""

from .clustering import ConflictingDecisions, Decisions, cluster
from .normalise import (
    normalise_address,
    normalise_company_name,
    normalise_company_number,
    normalise_date,
    normalise_email,
    normalise_licence_number,
    normalise_name,
    normalise_phone,
    normalise_postcode,
    normalise_record,
    normalise_vehicle_registration,
)
from .pipeline import LinkageInputError, LinkageResult, LinkageSettings, link_records

__all__ = [
    "ConflictingDecisions",
    "Decisions",
    "LinkageInputError",
    "LinkageResult",
    "LinkageSettings",
    "cluster",
    "link_records",
    "normalise_address",
    "normalise_company_name",
    "normalise_company_number",
    "normalise_date",
    "normalise_email",
    "normalise_licence_number",
    "normalise_name",
    "normalise_phone",
    "normalise_postcode",
    "normalise_record",
    "normalise_vehicle_registration",
]
