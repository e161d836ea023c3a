"""The linkage model: which fields are compared and how, the blocking rules that choose the pairs
worth comparing, and the prior m and u probabilities used when the data are too few to train on.

Each comparison is a list of levels from the most to the least specific. A level carries a prior
m probability (how often two records of the same entity fall in it) and a prior u probability (how
often two records of different entities do). On enough data u is re-estimated by random sampling and
m by expectation maximisation; on small data the priors are the model.
"""

from __future__ import annotations

from dataclasses import dataclass

import splink.comparison_level_library as cll
import splink.comparison_library as cl
from splink import block_on
from splink.internals.blocking_rule_creator import BlockingRuleCreator
from splink.internals.comparison_creator import ComparisonCreator
from splink.internals.comparison_level_creator import ComparisonLevelCreator

# SQL written in DuckDB's dialect; Splink translates it (sqlglot) for Spark.
_DIALECT = "duckdb"
# How two compared values stand at a level (Level.agreement).
SAME, CLOSE, DIFFERENT = "same", "close", "different"


def _custom(sql: str, label: str) -> ComparisonLevelCreator:
    return cll.CustomLevel(sql, label_for_charts=label, base_dialect_str=_DIALECT)


@dataclass(frozen=True)
class Level:
    label: str
    creator: ComparisonLevelCreator | None  # None for the else level
    m: float
    u: float
    # Term frequency adjustment: an exact match on a common value ("oliver smith") is weaker
    # evidence than on a rare one; the column whose value frequencies adjust the weight.
    term_frequencies: str | None = None
    # How the compared values stand at this level, for the words a page shows: "same", "close"
    # or "different" (None: "different" for the else level, "close" for any other).
    agreement: str | None = None
    # A field reading several columns: (column, agreement, words) for each, where they differ.
    parts: tuple[tuple[str, str, str], ...] = ()

    @property
    def standing(self) -> str:
        if self.agreement is not None:
            return self.agreement
        return "different" if self.creator is None else "close"


@dataclass(frozen=True)
class Field:
    """One comparison: the columns it reads and its levels after the null level."""

    name: str  # the output column name, and the word a page shows ("name", "date_of_birth")
    columns: tuple[str, ...]
    levels: tuple[Level, ...]

    def comparison(self) -> ComparisonCreator:
        if len(self.columns) == 1:
            null = cll.NullLevel(self.columns[0])
        else:
            # Null only when neither column can be compared (a surname alone still counts).
            null = cll.And(*(cll.NullLevel(column) for column in self.columns))
        levels = [null]
        for level in self.levels:
            creator = level.creator if level.creator is not None else cll.ElseLevel()
            creator = creator.configure(
                m_probability=level.m, u_probability=level.u, label_for_charts=level.label
            )
            if level.term_frequencies:
                creator = creator.configure(tf_adjustment_column=level.term_frequencies)
            levels.append(creator)
        return cl.CustomComparison(
            comparison_levels=levels,
            output_column_name=self.name,
            comparison_description=self.name.replace("_", " "),
        )


def _either_way(sql: str, label: str) -> ComparisonLevelCreator:
    """A custom level that holds whichever record is on the left."""
    flipped = sql.replace("_l", "_@").replace("_r", "_l").replace("_@", "_r")
    return _custom(f"({sql}) OR ({flipped})", label)


def _first_name_field() -> Field:
    first = "first_name"
    return Field(
        name=first,
        columns=(first,),
        levels=(
            Level(
                "exact",
                cll.ExactMatchLevel(first),
                0.85,
                0.01,
                term_frequencies=first,
                agreement=SAME,
            ),
            Level(
                "swapped with surname",
                _either_way("first_name_l = surname_r", "swapped with surname"),
                0.02,
                0.0002,
            ),
            Level(
                "nickname (Bill and William)",
                # Signatures sharing no bit share no name: most pairs skip the lists.
                _custom(
                    "CASE WHEN (first_name_variants_bits_l & first_name_variants_bits_r) <> 0"
                    " THEN array_length("
                    "array_intersect(first_name_variants_l, first_name_variants_r)) >= 1"
                    " ELSE FALSE END",
                    "nickname (Bill and William)",
                ),
                0.03,
                0.002,
            ),
            Level(
                "very similar (Jaro-Winkler >= 0.92)",
                cll.JaroWinklerLevel(first, 0.92),
                0.04,
                0.003,
            ),
            Level("sounds alike", cll.ExactMatchLevel("first_name_sound"), 0.01, 0.005),
            Level("similar (Jaro-Winkler >= 0.8)", cll.JaroWinklerLevel(first, 0.8), 0.015, 0.02),
            Level(
                "an initial of the other",
                _either_way(
                    "length(first_name_l) = 1 AND first_name_l = substr(first_name_r, 1, 1)",
                    "an initial of the other",
                ),
                0.005,
                0.003,
            ),
            Level("different", None, 0.03, 0.957),
        ),
    )


def _surname_field() -> Field:
    surname = "surname"
    return Field(
        name=surname,
        columns=(surname,),
        levels=(
            Level(
                "exact",
                cll.ExactMatchLevel(surname),
                0.85,
                0.002,
                term_frequencies=surname,
                agreement=SAME,
            ),
            Level(
                "swapped with first name",
                _either_way("surname_l = first_name_r", "swapped with first name"),
                0.02,
                0.0002,
            ),
            Level(
                "very similar (Jaro-Winkler >= 0.92)",
                cll.JaroWinklerLevel(surname, 0.92),
                0.05,
                0.002,
            ),
            Level(
                # Double-barrelled and hyphenated names: "smith jones" and "smith".
                "one name within the other",
                _either_way(
                    "position(' ' || surname_l || ' ' IN ' ' || surname_r || ' ') > 0",
                    "one name within the other",
                ),
                0.02,
                0.0005,
            ),
            Level("sounds alike", cll.ExactMatchLevel("surname_sound"), 0.01, 0.003),
            Level("similar (Jaro-Winkler >= 0.8)", cll.JaroWinklerLevel(surname, 0.8), 0.015, 0.01),
            Level("different", None, 0.035, 0.9823),
        ),
    )


def _date_of_birth_field() -> Field:
    dob = "date_of_birth"
    return Field(
        name=dob,
        columns=(dob,),
        levels=(
            Level("exact", cll.ExactMatchLevel(dob), 0.86, 0.00015, agreement=SAME),
            Level(
                "day and month transposed",
                _custom(
                    f"substr({dob}_l, 1, 4) = substr({dob}_r, 1, 4)"
                    f" AND substr({dob}_l, 6, 2) = substr({dob}_r, 9, 2)"
                    f" AND substr({dob}_l, 9, 2) = substr({dob}_r, 6, 2)",
                    "day and month transposed",
                ),
                0.025,
                0.00002,
            ),
            Level(
                "year one out",
                _custom(
                    f"substr({dob}_l, 6, 5) = substr({dob}_r, 6, 5)"
                    f" AND abs(cast(substr({dob}_l, 1, 4) AS INTEGER)"
                    f" - cast(substr({dob}_r, 1, 4) AS INTEGER)) = 1",
                    "year one out",
                ),
                0.025,
                0.0002,
            ),
            Level("one digit different", cll.LevenshteinLevel(dob, 1), 0.07, 0.003),
            Level("two digits different", cll.LevenshteinLevel(dob, 2), 0.01, 0.03),
            Level("dates differ", None, 0.01, 0.966),
        ),
    )


def _postcode_field() -> Field:
    postcode = "postcode"
    return Field(
        name=postcode,
        columns=(postcode,),
        levels=(
            Level("full postcode", cll.ExactMatchLevel(postcode), 0.72, 0.001, agreement=SAME),
            Level("same sector", cll.ExactMatchLevel("postcode_sector"), 0.08, 0.002),
            Level("same district", cll.ExactMatchLevel("postcode_district"), 0.06, 0.02),
            Level("postcodes differ", None, 0.14, 0.977),
        ),
    )


def _parts(
    postcode: str, postcode_words: str, address: str, address_words: str
) -> tuple[tuple[str, str, str], ...]:
    """How the postcode and the address line each stand at one level of the field comparing
    both: the level is one piece of evidence, but a page shows the two columns apart."""
    return (("postcode", postcode, postcode_words), ("address", address, address_words))


def _postcode_and_address_field() -> Field:
    postcode, address = "postcode", "address"
    return Field(
        name="address",
        columns=(postcode, address),
        levels=(
            Level(
                "same postcode and address line",
                cll.And(cll.ExactMatchLevel(postcode), cll.JaroWinklerLevel(address, 0.9)),
                0.5,
                0.0002,
                agreement=SAME,
                parts=_parts(SAME, "same postcode", CLOSE, "same or very similar address line"),
            ),
            Level(
                "same postcode",
                cll.ExactMatchLevel(postcode),
                0.25,
                0.0008,
                parts=_parts(SAME, "same postcode", DIFFERENT, "address lines differ"),
            ),
            Level(
                "same address line, other postcode",
                cll.JaroWinklerLevel(address, 0.95),
                0.03,
                0.002,
                parts=_parts(DIFFERENT, "postcodes differ", CLOSE, "same or very similar address"),
            ),
            Level(
                "same postcode sector",
                cll.ExactMatchLevel("postcode_sector"),
                0.06,
                0.002,
                parts=_parts(CLOSE, "same postcode sector", DIFFERENT, "address lines differ"),
            ),
            Level(
                "same postcode district",
                cll.ExactMatchLevel("postcode_district"),
                0.04,
                0.02,
                parts=_parts(CLOSE, "same postcode district", DIFFERENT, "address lines differ"),
            ),
            Level(
                "addresses differ",
                None,
                0.12,
                0.975,
                parts=_parts(DIFFERENT, "postcodes differ", DIFFERENT, "address lines differ"),
            ),
        ),
    )


def _tokens_shared(at_least: int) -> ComparisonLevelCreator:
    """At least this many of the address lines' words and numbers in common. Intersecting lists
    is slow, so a 63-bit signature of each line's words (address_token_bits) is tested first:
    most pairs of addresses share too few bits to need the lists at all. The pre-test asks for
    one bit fewer than words, since two shared words may fall on one bit; it wrongly stops a
    pair only when its shared words fall on two bits fewer than their number (about 1 pair in
    4,000 of those sharing three words), which then scores at the next level down."""
    return _custom(
        f"CASE WHEN bit_count(address_token_bits_l & address_token_bits_r) >= {at_least - 1}"
        f" THEN array_length(array_intersect(address_tokens_l, address_tokens_r)) >= {at_least}"
        " ELSE FALSE END",
        f"{at_least} or more words and numbers shared",
    )


def _address_field() -> Field:
    """An address line without a UK postcode, in parts: house (or flat) number and the words."""
    address = "address"
    return Field(
        name=address,
        columns=(address,),
        levels=(
            Level("exact", cll.ExactMatchLevel(address), 0.6, 0.0002, agreement=SAME),
            Level(
                "same number, words very similar",
                cll.And(
                    cll.ExactMatchLevel("address_number"),
                    cll.JaroWinklerLevel("address_words", 0.9),
                ),
                0.25,
                0.0002,
            ),
            Level(
                "very similar (Jaro-Winkler >= 0.9)",
                cll.JaroWinklerLevel(address, 0.9),
                0.05,
                0.002,
            ),
            Level(
                "same number, words similar",
                cll.And(
                    cll.ExactMatchLevel("address_number"),
                    cll.JaroWinklerLevel("address_words", 0.7),
                ),
                0.03,
                0.002,
            ),
            # Words in any order, one of them mistyped or missing: parts shared, not letters.
            Level("four or more words and numbers shared", _tokens_shared(4), 0.02, 0.0005),
            Level("three words and numbers shared", _tokens_shared(3), 0.015, 0.002),
            Level("similar (Jaro-Winkler >= 0.7)", cll.JaroWinklerLevel(address, 0.7), 0.025, 0.05),
            Level("different", None, 0.01, 0.9431),
        ),
    )


def _identifier_field(
    column: str, *, exact_m: float, exact_u: float, near: bool, near_u: float = 0.0002
) -> Field:
    levels = [Level("exact", cll.ExactMatchLevel(column), exact_m, exact_u, agreement=SAME)]
    if near:
        levels.append(
            Level("one character different", cll.LevenshteinLevel(column, 1), 0.04, near_u)
        )
    levels.append(Level("different", None, round(1 - sum(level.m for level in levels), 6), 0.999))
    return Field(name=column, columns=(column,), levels=tuple(levels))


def _email_field() -> Field:
    email = "email"
    return Field(
        name=email,
        columns=(email,),
        levels=(
            Level("exact", cll.ExactMatchLevel(email), 0.85, 0.00001, agreement=SAME),
            Level(
                "same name before the @",
                cll.ExactMatchLevel("email_user"),
                0.05,
                0.0001,
            ),
            # No "similar e-mail" level: "j.smith.4@..." and "j.smith.9@..." are namesakes far
            # more often than one person's typo, so the level repeated the name's evidence and,
            # in training on a million records, pulled the matches towards namesakes.
            Level("different", None, 0.10, 0.9999),
        ),
    )


def _similar_text_field(column: str) -> Field:
    return Field(
        name=column,
        columns=(column,),
        levels=(
            Level("exact", cll.ExactMatchLevel(column), 0.8, 0.0005, agreement=SAME),
            Level(
                "very similar (Jaro-Winkler >= 0.92)",
                cll.JaroWinklerLevel(column, 0.92),
                0.1,
                0.002,
            ),
            Level("similar (Jaro-Winkler >= 0.8)", cll.JaroWinklerLevel(column, 0.8), 0.05, 0.02),
            Level("different", None, 0.05, 0.9775),
        ),
    )


def fields_for(columns_with_values: set[str]) -> list[Field]:
    """The comparisons that apply to data with values in these columns, in a fixed order."""
    fields: list[Field] = []
    # First name and surname are compared apart: a married name, a nickname or a typo in one
    # leaves the other's evidence whole.
    if "first_name" in columns_with_values:
        fields.append(_first_name_field())
    if "surname" in columns_with_values:
        fields.append(_surname_field())
    if "date_of_birth" in columns_with_values:
        fields.append(_date_of_birth_field())
    if {"postcode", "address"} <= columns_with_values:
        # One field for where a record lives: postcode and address line are one fact told twice,
        # and counting them as independent evidence would link people who share a home.
        fields.append(_postcode_and_address_field())
    elif "postcode" in columns_with_values:
        fields.append(_postcode_field())
    if "phone" in columns_with_values:
        fields.append(_identifier_field("phone", exact_m=0.85, exact_u=0.00002, near=True))
    if "email" in columns_with_values:
        fields.append(_email_field())
    if "vehicle_registration" in columns_with_values:
        fields.append(
            _identifier_field("vehicle_registration", exact_m=0.9, exact_u=0.00001, near=True)
        )
    if "company_number" in columns_with_values:
        fields.append(_identifier_field("company_number", exact_m=0.9, exact_u=0.00001, near=False))
    if "company_name" in columns_with_values:
        fields.append(_similar_text_field("company_name"))
    if "licence_number" in columns_with_values:
        fields.append(_identifier_field("licence_number", exact_m=0.9, exact_u=0.00001, near=True))
    if "address" in columns_with_values and "postcode" not in columns_with_values:
        fields.append(_address_field())
    return fields


def all_fields() -> list[Field]:
    """Every field the model can compare, for putting a stored pair's levels in words: those of
    data with every column, then the postcode and the address line each compared alone."""
    everything = {
        "first_name", "surname", "date_of_birth", "postcode", "address", "phone", "email",
        "vehicle_registration", "company_number", "company_name", "licence_number",
    }  # fmt: skip
    return [*fields_for(everything), _postcode_field(), _address_field()]


# Blocking: a pair is compared only when it passes one of these rules, and always within one kind
# of record (a person never links to a vehicle). Each rule names the columns it needs.
_BLOCKING: tuple[tuple[tuple[str, ...], str | tuple[str, ...]], ...] = (
    (("first_name", "surname"), ("kind", "first_name", "surname", "dob_year")),
    (("first_name", "surname"), ("kind", "first_name", "surname", "postcode_district")),
    (("surname", "date_of_birth"), ("kind", "surname", "date_of_birth")),
    (("first_name", "date_of_birth"), ("kind", "first_name", "date_of_birth")),
    (("date_of_birth", "postcode"), ("kind", "date_of_birth", "postcode_district")),
    (
        ("first_name", "surname"),
        "l.kind = r.kind AND l.first_name = r.surname AND l.surname = r.first_name",
    ),
    (("surname", "postcode"), ("kind", "surname", "postcode")),
    (("first_name", "postcode"), ("kind", "first_name", "postcode")),
    (("phone",), ("kind", "phone")),
    (("email",), ("kind", "email")),
    (("vehicle_registration",), ("kind", "vehicle_registration")),
    (("company_number",), ("kind", "company_number")),
    (("company_name",), ("kind", "company_name")),
    (("licence_number",), ("kind", "licence_number")),
    (("address", "postcode"), ("kind", "address", "postcode")),
    # Rules that survive an error in every name and date field: sounds-alike names at one house
    # number, or one exact field with the address.
    (("first_name", "address"), ("kind", "first_name", "address")),
    (("surname", "address"), ("kind", "surname", "address")),
    (("date_of_birth", "address"), ("kind", "date_of_birth", "address_number")),
    # One house: its number and the street's first letters (within the postcode district).
    (("address",), ("kind", "address_number", "address_start")),
    (
        ("first_name", "surname", "address"),
        ("kind", "first_name_sound", "surname_sound", "address_number"),
    ),
    (("surname", "date_of_birth"), ("kind", "surname_sound", "date_of_birth")),
    (("first_name", "date_of_birth"), ("kind", "first_name_sound", "date_of_birth")),
    (("first_name", "surname"), ("kind", "first_name_sound", "surname_sound", "dob_year")),
    (("first_name", "surname", "address"), ("kind", "first_name", "surname", "address_start")),
    (
        ("first_name", "surname", "address"),
        ("kind", "first_name_sound", "surname_sound", "address_start"),
    ),
)

# Wide rules: any two of {first name, surname, date of birth, house number, street start} not
# paired above, so a record with errors in three of the five keys still meets its match. Some of
# them make too many pairs on big data without postcodes ("john" at number 12 of every town); each
# is kept only while its pairs stay within WIDE_RULE_PAIRS_PER_RECORD per record (counted before
# scoring, see wide_rules_within_budget).
_WIDE_BLOCKING: tuple[tuple[tuple[str, ...], tuple[str, ...]], ...] = (
    (("date_of_birth", "address"), ("kind", "date_of_birth", "address_start")),
    (("first_name", "address"), ("kind", "first_name", "address_start")),
    (("surname", "address"), ("kind", "surname", "address_start")),
    (("first_name", "address"), ("kind", "first_name", "address_number")),
    (("surname", "address"), ("kind", "surname", "address_number")),
)
WIDE_RULE_PAIRS_PER_RECORD = 5.0


def blocking_rules_for(
    columns_with_values: set[str], wide_keys: list[tuple[str, ...]] | None = None
) -> list[BlockingRuleCreator | str]:
    """The blocking rules for data with values in these columns; wide_keys: the wide rules' keys
    to add (from wide_rules_within_budget; none when not given)."""
    rules: list[BlockingRuleCreator | str] = []
    for needs, rule in _BLOCKING:
        if set(needs) <= columns_with_values:
            rules.append(rule if isinstance(rule, str) else block_on(*rule))
    rules.extend(block_on(*keys) for keys in wide_keys or [])
    return rules


def wide_rules_within_budget(frame, columns_with_values: set[str]) -> list[tuple[str, ...]]:
    """The wide rules' keys whose pairs, counted from the records' key groups (n * (n - 1) / 2
    per group of equal, non-null keys), stay within WIDE_RULE_PAIRS_PER_RECORD per record."""
    budget = WIDE_RULE_PAIRS_PER_RECORD * len(frame)
    kept: list[tuple[str, ...]] = []
    for needs, keys in _WIDE_BLOCKING:
        if not set(needs) <= columns_with_values:
            continue
        sizes = frame.groupby(list(keys), dropna=True, sort=False).size()
        if float((sizes * (sizes - 1) / 2).sum()) <= budget:
            kept.append(keys)
    return kept


def deterministic_fields_for(columns_with_values: set[str]) -> list[tuple[str, ...]]:
    """The fields of rules that admit almost no false matches (all exact), to estimate how often
    two records match. Each field here is a comparison with an "exact" level."""
    rules: list[tuple[str, ...]] = []
    if {"first_name", "surname", "date_of_birth"} <= columns_with_values:
        rules.append(("first_name", "surname", "date_of_birth"))
    for column in ("email", "company_number", "vehicle_registration", "licence_number"):
        if column in columns_with_values:
            rules.append((column,))
    return rules


def deterministic_rules_for(columns_with_values: set[str]) -> list[BlockingRuleCreator]:
    return [block_on("kind", *fields) for fields in deterministic_fields_for(columns_with_values)]


def training_rules_for(columns_with_values: set[str]) -> list[BlockingRuleCreator]:
    """Blocking rules for expectation maximisation: each leaves the fields it blocks on untrained,
    so together they must cover every comparison."""
    rules: list[BlockingRuleCreator] = []
    if {"first_name", "surname", "postcode"} <= columns_with_values:
        # Name and postcode, not name alone: among a million records, pairs that merely share a
        # common name ("oliver smith") outnumber true matches fifty to one, and expectation
        # maximisation then settles on the wrong class (date of birth m for "exact" came out at
        # 0.02 instead of 0.9). Adding the postcode keeps mostly true matches in the block.
        rules.append(block_on("kind", "first_name", "surname", "postcode"))
    elif {"first_name", "surname"} <= columns_with_values:
        rules.append(block_on("kind", "first_name", "surname"))
    if "date_of_birth" in columns_with_values:
        rules.append(block_on("kind", "date_of_birth"))
    if "postcode" in columns_with_values and len(rules) < 2:
        rules.append(block_on("kind", "postcode"))
    return rules
