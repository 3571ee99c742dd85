"""Identity links between parties of different courts: proposing, reviewing, and the entity ids they imply.

A link is a ``SAME_AS`` relationship from the smaller uid to the larger, never a
merge. Its status says what it counts for:

- ``auto``: the score reached the upper threshold; counts as the same party;
- ``pending``: between the thresholds, waits for a person;
- ``confirmed`` / ``rejected``: a person decided (who, when, why are recorded);
  a rejected pair is never proposed again, a confirmed one stays.

``Party.entity_id`` is the smallest uid of the party's component of automatic
and confirmed links (its own uid when it has none); detectors and network
analytics read "same party" from it. No component ever holds two different
valid id numbers: an automatic link that would join them is kept as pending
with the conflict in its evidence, and confirming it is refused.
"""

from __future__ import annotations

import datetime as dt
import time
from collections.abc import Callable, Iterable
from dataclasses import asdict, dataclass, field
from typing import Any

from graph_model.db import Graph
from loaders.identity.features import party_table
from loaders.identity.scoring import LEVELS, bayes, level_label, method, score
from queries.statements import statement

ACTIVE = ("auto", "confirmed")
REVIEWED = ("confirmed", "rejected")
BATCH = 5_000
COMPARISONS = tuple(LEVELS)

Progress = Callable[[str], None]


class IdentityError(ValueError):
    """A review that cannot be done (unknown party, differing valid ids, …); the message says why."""


@dataclass
class LinkSummary:
    """What one linking run did."""

    parties: int = 0
    in_scope: int = 0
    candidates: int = 0  # scored pairs at or above the review threshold
    auto: int = 0
    pending: int = 0
    conflicts: int = 0  # pairs kept pending because they would join two different valid ids
    kept_reviewed: int = 0  # candidates a reviewer had already decided (left as they are)
    removed: int = 0  # automatic or pending links no longer proposed
    entities_changed: int = 0  # parties whose entity_id changed
    entities_reset: int = 0  # parties back to entity_id = uid
    seconds: float = 0.0
    timings: dict[str, float] = field(default_factory=dict)
    method: str = ""
    threshold_auto: float = 0.0
    threshold_review: float = 0.0
    source: str | None = None

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


class _Components:
    """Union–find over uids that tracks the one valid id a component may hold."""

    def __init__(self, valid_id: Callable[[str], str | None]) -> None:
        self.parent: dict[str, str] = {}
        self.ids: dict[str, str | None] = {}
        self.valid_id = valid_id

    def find(self, x: str) -> str:
        if x not in self.parent:
            self.parent[x] = x
            self.ids[x] = self.valid_id(x)
            return x
        root = x
        while self.parent[root] != root:
            root = self.parent[root]
        while self.parent[x] != root:
            self.parent[x], x = root, self.parent[x]
        return root

    def conflict(self, a: str, b: str) -> tuple[str, str] | None:
        """The two different valid ids joining a and b would put in one component, if any."""
        ra, rb = self.find(a), self.find(b)
        ia, ib = self.ids[ra], self.ids[rb]
        if ra != rb and ia is not None and ib is not None and ia != ib:
            return ia, ib
        return None

    def union(self, a: str, b: str) -> None:
        ra, rb = self.find(a), self.find(b)
        if ra == rb:
            return
        if ra > rb:
            ra, rb = rb, ra
        self.parent[rb] = ra
        self.ids[ra] = self.ids[ra] or self.ids[rb]

    def canonical(self) -> dict[str, str]:
        """uid → smallest uid of its component, for every uid seen."""
        smallest: dict[str, str] = {}
        for x in self.parent:
            root = self.find(x)
            if x < smallest.get(root, "\uffff"):
                smallest[root] = x
        return {x: smallest[self.find(x)] for x in self.parent}


def _ordered(a: str, b: str) -> tuple[str, str]:
    if a == b:
        raise IdentityError(f"a party cannot be linked to itself ({a})")
    return (a, b) if a < b else (b, a)


def _fmt_dob(value: str) -> str:
    return f"{value[:4]}-{value[4:6]}-{value[6:]}"


def _evidence(row: Any, records: dict[str, dict[str, Any]]) -> list[str]:
    """Readable evidence of one scored pair: each informative comparison, its values and its Bayes factor."""
    a, b = records[row.a], records[row.b]
    lines: list[str] = []
    for comp in COMPARISONS:
        gamma = int(getattr(row, f"gamma_{comp}"))
        label = level_label(comp, gamma)
        if label is None:
            continue
        weight = float(getattr(row, f"mw_{comp}"))
        tf = getattr(row, f"mw_tf_adj_{comp}", None)
        if tf is not None and tf == tf:
            weight += float(tf)
        bf = 2.0 ** weight
        if comp == "name":
            detail = f"{a['name']} / {b['name']}" + (f" → {a['name_norm']}" if gamma >= 4 else "")
            if gamma == 3:
                detail += f" ({a['name_pinyin']})"
        elif comp == "id_number":
            detail = f"{a['id_any']} / {b['id_any']}"
        elif comp == "dob":
            raw = [uid for uid, rec in ((row.a, a), (row.b, b)) if rec["dob_raw"]]
            detail = f"{_fmt_dob(a['dob'])} / {_fmt_dob(b['dob'])}"
            if raw:
                detail += ", from an id number failing its check: " + ", ".join(raw)
        elif comp == "sex":
            detail = f"{a['sex']} / {b['sex']}"
        else:
            shared = sorted(set(a[comp]) & set(b[comp]))
            detail = "; ".join(shared[:5]) if shared else ""
        lines.append(f"{comp}: {label}" + (f" ({detail})" if detail else "") + f" {bayes(bf)}")
    return lines


def _batches(rows: list[dict[str, Any]], size: int = BATCH) -> Iterable[list[dict[str, Any]]]:
    for i in range(0, len(rows), size):
        yield rows[i:i + size]


def link(graph: Graph, threshold_auto: float = 0.95, threshold_review: float = 0.7, source: str | None = None,
         progress: Progress | None = None) -> LinkSummary:
    """Propose identity links over the whole graph, or for the parties of one export (``source``).

    Idempotent: the same graph gives the same links; reviewed links keep their
    decision, and automatic or pending links no longer proposed are removed.
    """
    if not 0.0 < threshold_review <= threshold_auto <= 1.0:
        raise IdentityError(f"thresholds must satisfy 0 < review ({threshold_review}) ≤ auto ({threshold_auto}) ≤ 1")
    say = progress or (lambda _msg: None)
    started = time.perf_counter()
    summary = LinkSummary(method=method(), threshold_auto=threshold_auto, threshold_review=threshold_review,
                          source=source)
    tick = time.perf_counter()

    def lap(name: str) -> None:
        nonlocal tick
        now = time.perf_counter()
        summary.timings[name] = round(now - tick, 3)
        tick = now

    say("reading parties")
    records = party_table(graph, source)
    summary.parties = len(records)
    summary.in_scope = int(records["in_scope"].sum())
    if source is not None and summary.in_scope == 0:
        raise IdentityError(f"no party of the graph comes from export {source!r}")
    lap("read")
    existing = {(r["a"], r["b"]): r["status"] for r in graph.read(statement("identity/links"), timeout=600)}
    say(f"scoring {summary.parties:,} parties")
    scored = score(records, threshold_review, scoped=source is not None) if len(records) > 1 else None
    lap("score")
    recs = scored.records if scored is not None else records.set_index("unique_id", drop=False)
    valid = {uid: v for uid, v in recs["id_valid"].items() if isinstance(v, str)}  # pandas 3 writes NaN for None
    in_scope = recs["in_scope"].to_dict()

    def touched(a: str, b: str) -> bool:
        return source is None or bool(in_scope.get(a)) or bool(in_scope.get(b))

    # Components start from the links this run does not reconsider: confirmed ones, and automatic ones out of scope.
    comps = _Components(lambda uid: valid.get(uid))
    for (a, b), status in existing.items():
        if status == "confirmed" or (status == "auto" and not touched(a, b)):
            comps.union(a, b)
    proposals: list[dict[str, Any]] = []
    link_method = method()
    pairs = scored.pairs.sort_values(["score", "a", "b"], ascending=[False, True, True]) if scored else None
    involved = sorted(set(pairs["a"]) | set(pairs["b"])) if pairs is not None else []
    lookup: dict[str, dict[str, Any]] = recs.loc[involved].to_dict("index") if involved else {}
    for row in pairs.itertuples(index=False) if pairs is not None else ():
        summary.candidates += 1
        status = existing.get((row.a, row.b))
        if status in REVIEWED:
            summary.kept_reviewed += 1
            continue
        evidence = _evidence(row, lookup)
        new_status = "auto" if row.score >= threshold_auto else "pending"
        if new_status == "auto":
            clash = comps.conflict(row.a, row.b)
            if clash is None:
                comps.union(row.a, row.b)
            else:
                new_status = "pending"
                summary.conflicts += 1
                evidence.insert(0, f"not automatic: would put two different valid id numbers in one entity "
                                   f"({clash[0]}, {clash[1]})")
        summary.auto += new_status == "auto"
        summary.pending += new_status == "pending"
        proposals.append({"a": row.a, "b": row.b, "status": new_status, "score": float(row.score),
                          "method": link_method, "evidence": evidence})
    proposed = {(p["a"], p["b"]) for p in proposals}
    stale = [{"a": a, "b": b} for (a, b), status in existing.items()
             if status in ("auto", "pending") and (a, b) not in proposed and touched(a, b)]
    say(f"writing {len(proposals):,} links, removing {len(stale):,}")
    for rows in _batches(proposals):
        graph.write(statement("identity/write_links"), {"rows": rows})
    for rows in _batches(stale):
        graph.write(statement("identity/delete_links"), {"rows": rows})
    summary.removed = len(stale)
    lap("write")
    say("updating entity ids")
    summary.entities_changed, summary.entities_reset = refresh_all_entities(graph, recs["entity_id"].to_dict())
    lap("entities")
    summary.seconds = round(time.perf_counter() - started, 3)
    return summary


def refresh_all_entities(graph: Graph, current: dict[str, str]) -> tuple[int, int]:
    """Set entity_id from the components of every automatic and confirmed link; returns (changed, reset)."""
    comps = _Components(lambda _uid: None)
    for r in graph.read(statement("identity/links"), timeout=600):
        if r["status"] in ACTIVE:
            comps.union(r["a"], r["b"])
    rows = [{"uid": uid, "entity_id": canon} for uid, canon in comps.canonical().items()
            if current.get(uid) != canon]
    for batch in _batches(rows):
        graph.write(statement("identity/set_entities"), {"rows": batch})
    reset = graph.write(statement("identity/reset_entities"))[0]["reset"]
    return len(rows), int(reset)


def _refresh_entities_around(graph: Graph, uids: list[str]) -> None:
    """Recompute entity_id for the components of ``uids`` and every party that shared their entity ids."""
    members = graph.read(statement("identity/component"), {"uids": uids})
    comps = _Components(lambda _uid: None)
    for m in members:
        comps.find(m["uid"])
        for other in m["linked"]:
            comps.union(m["uid"], other)
    canon = comps.canonical()
    rows = [{"uid": m["uid"], "entity_id": canon[m["uid"]]} for m in members if m["entity_id"] != canon[m["uid"]]]
    if rows:
        graph.write(statement("identity/set_entities"), {"rows": rows})


@dataclass
class Review:
    """The outcome of a reviewer's decision."""

    a: str
    b: str
    status: str
    previous: str | None
    score: float | None
    entity_id: str


def _pair(graph: Graph, a: str, b: str) -> dict[str, Any]:
    a, b = _ordered(a, b)
    found = graph.read(statement("identity/get_link"), {"a": a, "b": b})
    if not found:
        known = {r["uid"] for r in graph.read(statement("identity/get_party"), {"uids": [a, b]})}
        missing = [u for u in (a, b) if u not in known]
        raise IdentityError(f"no party with uid {', '.join(missing)}")
    return found[0]


def _decide(graph: Graph, a: str, b: str, status: str, actor: str, reason: str | None,
            at: dt.datetime | None = None) -> Review:
    if not actor or not actor.strip():
        raise IdentityError("a review needs the reviewer's name (--actor)")
    a, b = _ordered(a, b)
    pair = _pair(graph, a, b)
    if status == "confirmed":
        if pair["a_kind"] != pair["b_kind"]:
            raise IdentityError(f"{a} is a {pair['a_kind']} and {b} a {pair['b_kind']}: not the same legal person")
        ids = {}
        for m in graph.read(statement("identity/component"), {"uids": [a, b]}):
            if m["id_number"]:
                ids.setdefault(m["id_number"], m["uid"])
        if len(ids) > 1:
            shown = ", ".join(f"{i} ({u})" for i, u in sorted(ids.items()))
            raise IdentityError(f"confirming {a} = {b} would make one entity of parties with different valid id "
                                f"numbers: {shown}; reject the wrong link first")
    result = graph.write(statement("identity/review"), {"a": a, "b": b, "status": status, "actor": actor.strip(),
                                                        "at": at or dt.datetime.now(dt.UTC), "reason": reason})[0]
    _refresh_entities_around(graph, [a, b])
    entity = graph.read(statement("identity/get_party"), {"uids": [a]})[0]["entity_id"]
    return Review(a, b, status, pair["status"], result["score"], entity)


def confirm(graph: Graph, a: str, b: str, actor: str, reason: str | None = None) -> Review:
    """A reviewer says a and b are the same legal person (refused when that joins two different valid ids)."""
    return _decide(graph, a, b, "confirmed", actor, reason)


def reject(graph: Graph, a: str, b: str, actor: str, reason: str | None = None) -> Review:
    """A reviewer says a and b are different legal persons; the pair is never proposed again."""
    return _decide(graph, a, b, "rejected", actor, reason)


def restore_review(graph: Graph, a: str, b: str, status: str, actor: str, reason: str | None,
                   at: dt.datetime | None) -> Review:
    """A decision brought back by `debtgraph decisions import`, with its reviewer and time, checked as when made."""
    if status not in ("confirmed", "rejected"):
        raise IdentityError(f"status {status!r} is not a review decision (confirmed or rejected)")
    return _decide(graph, a, b, status, actor, reason, at)


@dataclass
class PendingPage:
    """One page of links waiting for review, best score first."""

    total: int
    skip: int
    limit: int
    items: list[dict[str, Any]]


def pending(graph: Graph, skip: int = 0, limit: int = 50, source: str | None = None) -> PendingPage:
    """Links waiting for a reviewer (optionally only those touching one export's parties), paginated."""
    if skip < 0 or limit < 1:
        raise IdentityError(f"skip must be ≥ 0 and limit ≥ 1 (got skip={skip}, limit={limit})")
    params = {"skip": skip, "limit": limit, "source": source}
    total = graph.read(statement("identity/pending_count"), params)[0]["total"]
    items = graph.read(statement("identity/pending"), params)
    return PendingPage(total=total, skip=skip, limit=limit, items=items)
