"""Read court exports back from disk into the reference evaluator: the check of truth.json and of hand-made fixtures.

This is a small, strict reader of the CSV form of the court export format (not
the project's loader): it cleans every value with graph_model.types, rejects the
rows the contract says to reject (missing required value, unparseable date or
amount, unknown enum value, undefined party_id, unknown case_no) and counts them
per file, matches parties across exports by valid id_number only, and feeds the
rest to :class:`loaders.synthetic.reference.Evaluator`, the oracle of the detectors: ``oracle``
holds its alerts with score and related records, and the maps that name its parties and cases.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from collections import Counter, defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from graph_model.types import (
    check_id_number,
    clean_address,
    clean_amount,
    clean_date,
    clean_list,
    clean_phone,
    clean_share,
    clean_text,
    parse_case_no,
)
from loaders.synthetic.reference import (
    Alert,
    Auction,
    CaseRecord,
    Evaluator,
    Measure,
    Payment,
    Settlement,
    describe_alerts,
)

ENUMS = {
    "party_kind": {"person", "company", "organization"},
    "party_status": {"active", "revoked", "deregistered", "bankrupt", "liquidating", "deceased"},
    "case_kind": {"enforcement", "civil", "labor_arbitration", "bankruptcy", "criminal", "administrative", "retrial"},
    "case_status": {"pending", "concluded", "terminated_no_assets", "settled", "withdrawn", "suspended", "terminated"},
    "outcome": {"upheld", "revoked", "amended"},
    "role": {"applicant", "respondent", "plaintiff", "defendant", "third_party", "administrator"},
    "relation": {"shareholder", "legal_representative", "director", "supervisor", "manager", "actual_controller",
                 "employee", "spouse", "parent", "sibling", "relative", "guarantor"},
    "asset_kind": {"real_estate", "vehicle", "bank_account", "securities", "equity", "receivable",
                   "intellectual_property", "other"},
    "measure_kind": {"freeze", "seizure", "consumption_restriction", "dishonest_list", "exit_restriction"},
    "auction_result": {"sold", "unsold", "withdrawn", "pending"},
    "detention_kind": {"imprisonment", "detention", "compulsory_isolation"},
}


class Reject(ValueError):
    """A row the contract says not to load."""


def read_csv(path: Path) -> list[dict[str, str]]:
    """Rows of a CSV file in UTF-8 (with or without BOM) or GB18030."""
    data = path.read_bytes()
    if data.startswith(b"\xef\xbb\xbf"):
        text = data[3:].decode("utf-8")
    else:
        try:
            text = data.decode("utf-8")
        except UnicodeDecodeError:
            text = data.decode("gb18030")
    return list(csv.DictReader(io.StringIO(text, newline="")))


def _required(row: dict[str, str], column: str) -> str:
    value = clean_text(row.get(column))
    if value is None:
        raise Reject(f"{column}: missing required value")
    return value


def _enum(row: dict[str, str], column: str, enum: str, required: bool = True) -> str | None:
    value = clean_text(row.get(column))
    if value is None:
        if required:
            raise Reject(f"{column}: missing required value")
        return None
    if value not in ENUMS[enum]:
        raise Reject(f"{column}: unknown enum value {value!r}")
    return value


def _date(row: dict[str, str], column: str, required: bool = False) -> dt.date | None:
    try:
        value = clean_date(row.get(column))
    except ValueError as exc:
        raise Reject(f"{column}: {exc}") from None
    if value is None and required:
        raise Reject(f"{column}: missing required value")
    return value


def _amount(row: dict[str, str], column: str, required: bool = False) -> float | None:
    try:
        value = clean_amount(row.get(column))
    except ValueError as exc:
        raise Reject(f"{column}: {exc}") from None
    if value is None and required:
        raise Reject(f"{column}: missing required value")
    return value


def _case_no(row: dict[str, str], column: str) -> str:
    parsed = parse_case_no(row.get(column))
    if parsed is None:
        raise Reject(f"{column}: missing required value")
    return parsed.case_no


@dataclass
class ReadBack:
    """What the exports say: the alerts, and the rows rejected per export and file.

    ``oracle`` is the evaluator's own answer (entities and case codes), ``case_names`` names its cases,
    ``party_keys`` gives each entity's ``[source, party_id]`` keys and ``id_numbers`` its valid id number.
    """

    alerts: list[dict]
    rejects: dict[str, Counter[str]] = field(default_factory=dict)
    invalid_ids: dict[str, int] = field(default_factory=dict)
    reasons: list[tuple[str, str, int, str]] = field(default_factory=list)  # (source, file, line, reason)
    oracle: list[Alert] = field(default_factory=list)
    case_names: dict[int, str] = field(default_factory=dict)
    party_keys: dict[int, list[list[str]]] = field(default_factory=dict)
    id_numbers: dict[int, str | None] = field(default_factory=dict)


def evaluate_exports(dirs: list[Path], as_of: dt.date) -> ReadBack:
    """Read export directories (source = directory name) and evaluate every detector at ``as_of``."""
    ev = Evaluator(as_of)
    entities: dict[str, int] = {}
    id_of: dict[int, str | None] = {}
    keys_of: dict[int, list[list[str]]] = defaultdict(list)
    nodes: dict[str, int] = {}
    cases: dict[str, int] = {}
    case_names: dict[int, str] = {}
    rejects: dict[str, Counter[str]] = {}
    invalid: dict[str, int] = {}
    reasons: list[tuple[str, str, int, str]] = []

    def code(case_no: str) -> int:
        if case_no not in cases:
            cases[case_no] = len(cases)
            case_names[cases[case_no]] = case_no
        return cases[case_no]

    exports = []
    for d in dirs:
        source = d.name
        files = {f.stem: read_csv(f) for f in sorted(d.glob("*.csv"))}
        exports.append((source, files))
        rejects[source] = Counter()

    def each(source: str, files: dict, name: str, handle: Callable[[dict[str, str]], Any]) -> None:
        for line, row in enumerate(files.get(name, []), start=2):
            try:
                handle(row)
            except Reject as exc:
                rejects[source][name] += 1
                reasons.append((source, name, line, str(exc)))

    # Cases of every export first: a dependent row may name a case that any export holds.
    loaded: dict[str, dict] = {}

    def read_cases(source: str, files: dict) -> None:
        def case_row(row: dict[str, str]) -> None:
            case_no = _case_no(row, "case_no")
            parsed = parse_case_no(case_no)
            kind = _enum(row, "kind", "case_kind", required=False) or (parsed.kind if parsed else None)
            filed = _date(row, "filed_on", required=True)
            status = _enum(row, "status", "case_status")
            closed = _date(row, "closed_on")
            amount = _amount(row, "amount")
            paid = _amount(row, "amount_paid")
            origin = parse_case_no(row.get("origin_case_no"))
            outcome = _enum(row, "outcome", "outcome", required=False)
            deadline = _date(row, "claims_deadline")
            loaded[case_no] = {"kind": kind, "filed": filed, "status": status, "closed": closed, "amount": amount,
                               "paid": paid, "origin": origin.case_no if origin else None, "outcome": outcome,
                               "claims_deadline": deadline,
                               "cause": clean_text(row.get("cause")) or "", "source": source}
        each(source, files, "cases", case_row)

    for source, files in exports:
        read_cases(source, files)

    by_case: dict[str, dict[str, list]] = defaultdict(lambda: defaultdict(list))

    def read_rest(source: str, files: dict) -> None:
        local: dict[str, int] = {}
        invalid[source] = 0

        def party_row(row: dict[str, str]) -> None:
            pid = _required(row, "party_id")
            kind = _enum(row, "kind", "party_kind")
            _required(row, "name")
            _enum(row, "status", "party_status", required=False)
            _date(row, "registered_on")
            check = check_id_number(row.get("id_number"), kind)
            if check.value is not None and not check.valid:
                invalid[source] += 1
            key = f"id:{check.value}" if check.valid else f"src:{source}:{pid}"
            entity = entities.setdefault(key, len(entities))
            id_of[entity] = check.value if check.valid else None
            keys_of[entity].append([source, pid])
            local[pid] = entity
            mine = [f"p:{p}" for p in clean_list(row.get("phone"), clean_phone)]
            mine += [f"a:{a}" for a in clean_list(row.get("address"), clean_address)]
            ev.add_party(entity, kind, [nodes.setdefault(n, len(nodes)) for n in mine])
        each(source, files, "parties", party_row)

        def party(row: dict[str, str], column: str, required: bool = True) -> int | None:
            pid = clean_text(row.get(column))
            if pid is None:
                if required:
                    raise Reject(f"{column}: missing required value")
                return None
            if pid not in local:
                raise Reject(f"{column}: party_id {pid!r} is not defined in this export")
            return local[pid]

        def known_case(row: dict[str, str]) -> str:
            case_no = _case_no(row, "case_no")
            if case_no not in loaded:
                raise Reject(f"case_no: unknown case {case_no!r}")
            return case_no

        def case_party_row(row: dict[str, str]) -> None:
            case_no = known_case(row)
            entity = party(row, "party_id")
            role = _enum(row, "role", "role")
            fees = _amount(row, "fees_unpaid")
            by_case[case_no]["parties"].append((entity, role, fees))
        each(source, files, "case_parties", case_party_row)

        def relation_row(row: dict[str, str]) -> None:
            a, b = party(row, "from_id"), party(row, "to_id")
            relation = _enum(row, "relation", "relation")
            try:
                share = clean_share(row.get("share"))
            except ValueError as exc:
                raise Reject(f"share: {exc}") from None
            since = _date(row, "since")
            _date(row, "until")
            ev.add_link(a, b, relation, share, since)
        each(source, files, "relations", relation_row)

        values: dict[str, float | None] = {}

        def asset_row(row: dict[str, str]) -> None:
            asset_id = _required(row, "asset_id")
            kind = _enum(row, "kind", "asset_kind")
            owner = party(row, "owner_id")
            value = _amount(row, "value")
            party(row, "counterparty_id", required=False)
            values[asset_id] = value
            ev.add_asset(owner, kind, asset_id, value)
        each(source, files, "assets", asset_row)

        def transfer_row(row: dict[str, str]) -> None:
            asset_id = _required(row, "asset_id")
            a, b = party(row, "from_id"), party(row, "to_id")
            on = _date(row, "transferred_on", required=True)
            price = _amount(row, "price")
            ev.add_transfer(a, b, on, price, values.get(asset_id), asset_id)
        each(source, files, "asset_transfers", transfer_row)

        def measure_row(row: dict[str, str]) -> None:
            measure_id = _required(row, "measure_id")
            case_no = known_case(row)
            kind = _enum(row, "kind", "measure_kind")
            restricted = party(row, "party_id", required=False)
            imposed = _date(row, "imposed_on", required=True)
            lifted = _date(row, "lifted_on")
            by_case[case_no]["measures"].append(Measure(kind, imposed, lifted, measure_id, restricted))
        each(source, files, "measures", measure_row)

        def settlement_row(row: dict[str, str]) -> None:
            case_no = known_case(row)
            signed = _date(row, "signed_on", required=True)
            original = _amount(row, "original_amount")
            settled = _amount(row, "settled_amount", required=True)
            payee = party(row, "payee_id", required=False)
            performed = _date(row, "performed_on")
            by_case[case_no]["settlements"].append(Settlement(signed, settled, original, payee, performed))
        each(source, files, "settlements", settlement_row)

        def payment_row(row: dict[str, str]) -> None:
            payment_id = _required(row, "payment_id")
            case_no = known_case(row)
            received = _date(row, "received_on", required=True)
            _amount(row, "amount", required=True)
            by_case[case_no]["payments"].append(Payment(received, _date(row, "disbursed_on"), payment_id))
        each(source, files, "payments", payment_row)

        def auction_row(row: dict[str, str]) -> None:
            auction_id = _required(row, "auction_id")
            case_no = known_case(row)
            asset_id = clean_text(row.get("asset_id"))
            ordered = _date(row, "ordered_on", required=True)
            listed, closed = _date(row, "listed_on"), _date(row, "closed_on")
            result = _enum(row, "result", "auction_result", required=False)
            _amount(row, "price")
            by_case[case_no]["auctions"].append(Auction(ordered, listed, closed, result, auction_id, asset_id))
        each(source, files, "auctions", auction_row)

        def detention_row(row: dict[str, str]) -> None:
            entity = party(row, "party_id")
            _enum(row, "kind", "detention_kind", required=False)
            start = _date(row, "start_on", required=True)
            ev.add_detention(entity, start, _date(row, "end_on"))
        each(source, files, "detentions", detention_row)

    for source, files in exports:
        read_rest(source, files)

    for case_no, c in loaded.items():
        origin = c["origin"]
        origin_kind = None
        if origin is not None:
            origin_kind = loaded[origin]["kind"] if origin in loaded else (parse_case_no(origin).kind)
        labor = origin_kind == "labor_arbitration" or "劳动" in c["cause"]
        rows = by_case.get(case_no, {})
        ev.add_case(
            CaseRecord(code(case_no), c["kind"] or "", c["status"], c["filed"], c["closed"], c["amount"], c["paid"],
                       code(origin) if origin is not None else None, labor, c["outcome"], c["claims_deadline"]),
            rows.get("parties", []), rows.get("measures", []), rows.get("settlements", []),
            rows.get("payments", []), rows.get("auctions", []),
        )

    def describe(entity: int) -> dict:
        return {"id_number": id_of.get(entity), "party_keys": sorted(keys_of.get(entity, []))}

    oracle = ev.alerts()
    alerts = describe_alerts(oracle, case_names.__getitem__, describe)
    return ReadBack(alerts, rejects, invalid, reasons, oracle, dict(case_names),
                    {e: sorted(k) for e, k in keys_of.items()}, dict(id_of))
