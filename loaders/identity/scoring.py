"""Scoring candidate pairs with splink (Fellegi–Sunter, DuckDB backend, unsupervised EM, term frequencies).

Blocking: parties of the same kind, at least one of them without a valid id
(two valid ids are either one node already or two different legal persons),
sharing the normalised name, its pinyin, a phone, an address, or the first 14
characters of an id number (region and birth date, for a typo'd id with a name
written differently). Comparisons: name (exact with term-frequency adjustment,
same pinyin, one character apart, similar), id number (same raw id, at most two
characters apart, different), birth date (same, one digit apart, different), sex,
and shared phones, addresses, company roles and cases.

Training: u from random pairs (fixed seed), the prior from deterministic rules,
m by EM on two blockings (same name; same phone) so each comparison is trained
on pairs not blocked on it. DuckDB compares Chinese strings character by
character, so Levenshtein distance 1 is one wrong character.
"""

from __future__ import annotations

import logging
import math
from dataclasses import dataclass
from typing import Any

import duckdb
import pandas as pd
import splink
from splink import DuckDBAPI, Linker, SettingsCreator, block_on
from splink import comparison_library as cl
from splink.internals.exceptions import SplinkException

log = logging.getLogger(__name__)

SEED = 20260101
U_PAIRS = 2_000_000  # random pairs sampled for the u probabilities
U_MIN_PARTIES = 50  # fewer parties with valid ids than this: sample every party instead
ONE_SIDE_WITHOUT_ID = "(l.id_valid IS NULL OR r.id_valid IS NULL)"

# Each comparison: its levels as (SQL condition, evidence label, prior m probability), best first; then the
# label and prior m of "anything else". Priors hold where EM cannot train a level (too rare in the data).
LEVELS: dict[str, list[tuple[str, str, float]]] = {
    "name": [
        ("kind_l <> 'person' AND name_norm_l = name_norm_r", "same registered name after normalisation", 0.6),
        ("name_norm_l = name_norm_r", "same name after normalisation", 0.6),
        ("name_pinyin_l = name_pinyin_r", "same pinyin (homophone or variant character)", 0.15),
        ("levenshtein(name_norm_l, name_norm_r) <= 1", "names one character apart", 0.1),
        ("jaro_winkler_similarity(name_norm_l, name_norm_r) >= 0.88", "similar names", 0.1),
    ],
    "id_number": [
        ("id_any_l = id_any_r", "same id number (failing its check in both)", 0.05),
        ("levenshtein(id_any_l, id_any_r) <= 2", "id numbers at most two characters apart (typo)", 0.9),
    ],
    "dob": [
        ("dob_l = dob_r", "same birth date", 0.85),
        ("levenshtein(dob_l, dob_r) <= 1", "birth dates one digit apart", 0.1),
    ],
    "sex": [("sex_l = sex_r", "same sex", 0.97)],
    "phones": [("len(list_intersect(phones_l, phones_r)) >= 1", "shared phone", 0.6)],
    "addresses": [("len(list_intersect(addresses_l, addresses_r)) >= 1", "shared address", 0.5)],
    "roles": [("len(list_intersect(roles_l, roles_r)) >= 1", "same role in the same company", 0.7)],
    "cases": [("len(list_intersect(cases_l, cases_r)) >= 1", "related cases", 0.5)],
}
ELSE: dict[str, tuple[str, float]] = {
    "name": ("different names", 0.05), "id_number": ("different id numbers", 0.05),
    "dob": ("different birth dates", 0.05), "sex": ("different sex", 0.03), "phones": ("no phone in common", 0.4),
    "addresses": ("no address in common", 0.5), "roles": ("no company role in common", 0.3),
    "cases": ("no case in common", 0.5),
}
NULL_COLUMN = {"name": "name_norm", "id_number": "id_any", "dob": "dob", "sex": "sex", "phones": "phones",
               "addresses": "addresses", "roles": "roles", "cases": "cases"}


def _custom(name: str) -> cl.CustomComparison:
    col = NULL_COLUMN[name]
    levels: list[dict[str, Any]] = [{"sql_condition": f"{col}_l IS NULL OR {col}_r IS NULL",
                                     "label_for_charts": "unknown", "is_null_level": True}]
    for k, (sql, label, m) in enumerate(LEVELS[name]):
        level: dict[str, Any] = {"sql_condition": sql, "label_for_charts": label, "m_probability": m}
        if name == "name" and k == 1:  # a person's name: common names weigh less (registered names are unique)
            level["tf_adjustment_column"] = "name_norm"
            level["tf_adjustment_weight"] = 1.0
        levels.append(level)
    label, m = ELSE[name]
    levels.append({"sql_condition": "ELSE", "label_for_charts": label, "m_probability": m})
    return cl.CustomComparison(comparison_levels=levels, output_column_name=name)


def _prediction_rules(scoped: bool) -> list[dict[str, Any]]:
    """The blocking rules of prediction: equi-joins that DuckDB hashes, then the id and scope filters."""
    extra = f" AND {ONE_SIDE_WITHOUT_ID}" + (" AND (l.in_scope OR r.in_scope)" if scoped else "")
    rules: list[dict[str, Any]] = [
        {"blocking_rule": f"l.kind = r.kind AND l.{col} = r.{col}{extra}", "sql_dialect": "duckdb"}
        for col in ("name_norm", "name_pinyin", "id_prefix")
    ]
    for col in ("phones", "addresses"):
        rules.append({"blocking_rule": f"l.kind = r.kind AND l.{col} = r.{col}{extra}", "sql_dialect": "duckdb",
                      "arrays_to_explode": [col]})
    return rules


BLOCKING = ("same kind and one side without a valid id, and same normalised name | same pinyin | "
            "same id region+birth date (first 14 characters) | a shared phone | a shared address")


def method() -> str:
    """The method string stored on each link."""
    return (f"splink-{splink.__version__} Fellegi-Sunter, DuckDB; u by random sampling, m by EM (blocks: name, phone), "
            f"TF on name; blocking: {BLOCKING}")


@dataclass
class Scored:
    """Candidate pairs above the review threshold with the data to explain them."""

    pairs: pd.DataFrame  # columns: a, b, score, match_weight, gamma_*/bf_* per comparison
    records: pd.DataFrame  # the party table, indexed by unique_id


def _prepare(records: pd.DataFrame) -> pd.DataFrame:
    df = records.copy()
    df["phone1"] = df["phones"].map(lambda v: v[0] if isinstance(v, list) and v else None)
    df["id_prefix"] = df["id_any"].map(lambda v: v[:14] if isinstance(v, str) and len(v) >= 14 else None)
    return df


def _settings(scoped: bool) -> SettingsCreator:
    return SettingsCreator(
        link_type="dedupe_only",
        unique_id_column_name="unique_id",
        comparisons=[_custom(name) for name in LEVELS],
        blocking_rules_to_generate_predictions=_prediction_rules(scoped),
        retain_intermediate_calculation_columns=True,
        additional_columns_to_retain=["in_scope", "id_valid"],
        max_iterations=50,
    )


def _trained_u(db_api: DuckDBAPI, df: pd.DataFrame, scoped: bool) -> dict[str, Any]:
    """The model with u probabilities from random pairs of parties holding valid ids.

    Two parties with valid ids are different legal persons (one id is one node),
    so their random pairs are known non-matches: u is not inflated by the very
    duplicates being looked for, as it would be from a sample of every party.
    A level never seen among the sampled pairs gets u = 1 / pairs sampled.
    """
    known = df[df["id_valid"].notna()]
    sample = known if len(known) >= U_MIN_PARTIES else df
    linker = Linker(db_api.register(sample, table_name="parties_with_valid_ids"), _settings(scoped),
                    log_level=logging.WARNING, validate_settings=False)
    linker.training.estimate_u_using_random_sampling(max_pairs=U_PAIRS, seed=SEED, min_count_per_level=None,
                                                     num_chunks=1)
    model = linker.misc.save_model_to_json()
    floor = 1.0 / max(1.0, min(U_PAIRS, len(sample) * (len(sample) - 1) / 2))
    for comparison in model["comparisons"]:
        for level in comparison["comparison_levels"]:
            if not level.get("is_null_level") and level.get("u_probability") is None:
                level["u_probability"] = floor
    return model


def score(records: pd.DataFrame, threshold_review: float, scoped: bool = False) -> Scored:
    """Train the model on every party and score the blocked pairs; keep those at or above ``threshold_review``."""
    df = _prepare(records)
    con = duckdb.connect()
    con.execute("SET threads TO 2")
    # DuckDB draws its progress bars on stdout, which would break `debtgraph link --json`.
    con.execute("SET enable_progress_bar = false")
    db_api = DuckDBAPI(connection=con)
    table = db_api.register(df, table_name="parties")
    model = _trained_u(db_api, df, scoped)
    linker = Linker(table, model, log_level=logging.WARNING, validate_settings=False)
    linker.training.estimate_probability_two_random_records_match(
        [block_on("kind", "name_norm", "phones", arrays_to_explode=["phones"]),
         "l.kind = r.kind AND l.id_any = r.id_any"], recall=0.5)
    model = linker.misc.save_model_to_json()
    floor = 1.0 / max(1.0, len(df) * (len(df) - 1) / 2)
    prior = model.get("probability_two_random_records_match") or 0.0
    if not floor <= prior < 1.0:  # no deterministic match at all (a tiny graph): one pair in all, at most
        model["probability_two_random_records_match"] = min(max(prior, floor), 0.5)
        linker = Linker(table, model, log_level=logging.WARNING, validate_settings=False)
    for rule in (block_on("kind", "name_norm"), block_on("kind", "phone1")):
        try:
            linker.training.estimate_parameters_using_expectation_maximisation(rule, record_sample_proportion=1.0)
        except (ValueError, SplinkException) as exc:  # no pairs, or EM drove a rare level's m to 0
            log.warning("EM on %s gave no usable m values (%s); the priors stay", rule, exc)
    if log.isEnabledFor(logging.DEBUG):
        log.debug("model: %s", linker.misc.save_model_to_json())
    predictions = linker.inference.predict(threshold_match_probability=min(threshold_review, 0.999999))
    pairs = predictions.as_pandas_dataframe()
    pairs = pairs[pairs["id_valid_l"].isna() | pairs["id_valid_r"].isna()]
    if scoped:
        pairs = pairs[pairs["in_scope_l"].astype(bool) | pairs["in_scope_r"].astype(bool)]
    swap = pairs["unique_id_l"] > pairs["unique_id_r"]
    pairs = pairs.assign(a=pairs["unique_id_l"].where(~swap, pairs["unique_id_r"]),
                         b=pairs["unique_id_r"].where(~swap, pairs["unique_id_l"]),
                         score=pairs["match_probability"].astype(float))
    con.close()
    return Scored(pairs.reset_index(drop=True), df.set_index("unique_id", drop=False))


def level_label(comparison: str, gamma: int) -> str | None:
    """The evidence label of a comparison level (None for the null level)."""
    if gamma < 0:
        return None
    levels = LEVELS[comparison]
    index = len(levels) - gamma
    return ELSE[comparison][0] if index >= len(levels) else levels[index][1]


def bayes(bf: float) -> str:
    return f"×{bf:.3g}" if bf >= 1 else f"÷{1 / bf:.3g}" if bf > 0 else "×0"


def finite(x: Any) -> bool:
    return isinstance(x, int | float) and math.isfinite(x)
