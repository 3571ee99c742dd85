"""The record of each party that identity linking compares, read from the graph.

One row per Party node: normalised name and its pinyin, the valid id, any id
number (valid or the raw one that failed its check), the birth date and sex an
id gives, phones, addresses, company roles and case numbers. Lists are None when
empty so that the comparisons treat them as unknown, not as "nothing shared".

A raw id that failed its check often still holds a correct birth date, but the
typo may sit in the date itself: its birth date is used only when it is a real,
plausible date, and is marked as coming from a raw id (``dob_raw``) so that the
evidence says so.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

import pandas as pd
from neo4j import ManagedTransaction, unit_of_work

from graph_model.db import Graph
from graph_model.types.identifiers import birth_date, sex
from graph_model.types.names import company_core, name_pinyin, normalise_name
from queries.statements import statement

STREAM_TIMEOUT = 3600.0  # seconds for one read of a large graph
PAGE = 20_000  # parties per page
# Roles a company has one holder of at a time: two records holding one are one person. (Shareholders
# and directors are many per company, so sharing such a role says little.)
ROLE_TYPES = ["LEGAL_REPRESENTATIVE_OF", "ACTUAL_CONTROLLER_OF"]
# The side a party takes in a case: a debtor in a judgment is the debtor when it is enforced.
SIDES = {"APPLICANT_IN": "creditor", "PLAINTIFF_IN": "creditor", "RESPONDENT_IN": "debtor", "DEFENDANT_IN": "debtor",
         "THIRD_PARTY_IN": "third"}
COLUMNS = ("unique_id", "entity_id", "kind", "name", "name_norm", "name_pinyin", "name_core", "id_valid", "id_any",
           "dob", "dob_raw", "sex", "phones", "addresses", "roles", "cases", "sources", "in_scope")


def _id_birth(value: str, today: dt.date) -> dt.date | None:
    """Birth date in an 18-character resident id, when it is a real date between 1900 and today."""
    if len(value) != 18 or not value[:17].isdigit():
        return None
    born = birth_date(value)
    if born is None or born.year < 1900 or born > today:
        return None
    return born


@lru_cache(maxsize=500_000)
def name_forms(name: str | None, kind: str) -> tuple[str | None, str | None, str | None]:
    """(normalised name, its pinyin, company core) of a name; cached: many parties share a name."""
    norm = normalise_name(name, kind)
    return norm, name_pinyin(norm, kind), company_core(norm) if norm and kind != "person" else norm


def _listed(values: list[str] | None) -> list[str] | None:
    found = sorted({v for v in values or () if v})
    return found or None


@dataclass
class PartyRecord:
    """What linking knows about one party (the row of the comparison table)."""

    unique_id: str
    entity_id: str
    kind: str
    name: str
    name_norm: str | None
    name_pinyin: str | None
    name_core: str | None
    id_valid: str | None
    id_any: str | None
    dob: str | None
    dob_raw: bool
    sex: str | None
    phones: list[str] | None
    addresses: list[str] | None
    roles: list[str] | None
    cases: list[str] | None
    sources: list[str]
    in_scope: bool


def party_record(row: dict[str, Any], scope: set[str] | None, today: dt.date | None = None) -> PartyRecord:
    """The comparison record of one row of queries/identity/parties.cypher."""
    today = today or dt.date.today()
    kind = row["kind"] or "person"
    norm, pinyin, core = name_forms(row["name"], kind)
    valid = row["id_number"]
    raw = row["id_number_raw"]
    born: dt.date | None = None
    gender: str | None = None
    from_raw = False
    if kind == "person":
        if valid:
            born, gender = birth_date(valid), sex(valid)
        elif raw:
            born = _id_birth(raw, today)
            if born is not None:
                gender, from_raw = sex(raw), True
    roles = sorted(row["roles"] or ())
    if kind != "person":  # a company's legal representative, by name: the same person runs both copies
        roles += [f"LEGAL_REPRESENTATIVE:{name_forms(n, 'person')[0]}" for n in row["representatives"] or () if n]
    return PartyRecord(
        unique_id=row["uid"],
        entity_id=row["entity_id"] or row["uid"],
        kind=kind,
        name=row["name"],
        name_norm=norm,
        name_pinyin=pinyin,
        name_core=core,
        id_valid=valid,
        id_any=valid or raw,
        dob=born.strftime("%Y%m%d") if born else None,
        dob_raw=from_raw,
        sex=gender,
        phones=_listed(row["phones"]),
        addresses=_listed(row["addresses"]),
        roles=_listed(roles),
        cases=_listed(row["cases"]),
        sources=list(row["sources"] or ()),
        in_scope=scope is None or row["uid"] in scope,
    )


def _stream(graph: Graph, name: str, params: dict[str, Any], each: Callable[[Any], None]) -> None:
    """Run a read statement in one managed read transaction, handing each record to ``each`` as it arrives.

    ``each`` must be idempotent: the driver retries the whole transaction on a transient error.
    """
    @unit_of_work(timeout=STREAM_TIMEOUT)
    def work(tx: ManagedTransaction) -> None:
        for record in tx.run(statement(name), params):
            each(record)

    with graph.session() as session:
        session.execute_read(work)


FIELDS = ("uid", "entity_id", "kind", "name", "id_number", "id_number_raw", "sources", "phones", "addresses",
          "roles", "representatives", "cases")


def _page(graph: Graph, params: dict[str, Any]) -> list[list[Any]]:
    """One page of queries/identity/parties.cypher (a single record; a retried transaction replaces it)."""
    held: list[list[Any]] = []

    def keep(record: Any) -> None:
        held[:] = record["rows"]

    _stream(graph, "identity/parties", params, keep)
    return held


def iter_party_rows(graph: Graph, page: int = PAGE) -> Iterator[dict[str, Any]]:
    """Every party of the graph with its comparison inputs, a page at a time (keyset on uid).

    The next page is fetched on a second thread while this one is turned into
    rows, so the server's work and the Python work overlap.
    """
    params: dict[str, Any] = {"limit": page, "role_types": ROLE_TYPES, "sides": SIDES}
    with ThreadPoolExecutor(max_workers=1, thread_name_prefix="debtgraph-identity-read") as pool:
        rows = _page(graph, {**params, "after": ""})
        while rows:
            ahead = pool.submit(_page, graph, {**params, "after": rows[-1][0]}) if len(rows) == page else None
            for row in rows:
                data = dict(zip(FIELDS, row, strict=True))
                roles: set[str] = set()
                for role, entity, company, kind in data["roles"]:
                    roles.add(f"{role}@{entity}")
                    norm = name_forms(company, kind)[0]
                    if norm:  # the company by name too: it may lack a valid id in one court
                        roles.add(f"{role}@{norm}")
                data["roles"] = roles
                yield data
            rows = ahead.result() if ahead is not None else []


def scope_of(graph: Graph, source: str) -> set[str]:
    """uids of the parties an export brought."""
    return {r["uid"] for r in graph.read(statement("identity/scope"), {"source": source}, timeout=600)}


def party_table(graph: Graph, source: str | None = None) -> pd.DataFrame:
    """The comparison table of every party in the graph; ``in_scope`` marks the export's parties when given."""
    scope = scope_of(graph, source) if source is not None else None
    today = dt.date.today()
    records = [party_record(row, scope, today) for row in iter_party_rows(graph)]
    return records_frame(records)


def records_frame(records: list[PartyRecord]) -> pd.DataFrame:
    """Records as the DataFrame splink reads (object columns, lists kept as lists)."""
    data = {col: [getattr(r, col) for r in records] for col in COLUMNS}
    return pd.DataFrame(data, columns=list(COLUMNS))
