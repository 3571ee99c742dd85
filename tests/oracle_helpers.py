"""The detectors' alerts against the independent oracle (loaders/synthetic/reference.py on the exports read back).

The oracle is written from the contract, not from the Cypher: an exact match of alert keys, scores,
subjects and related records is a test both sides can fail.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from pathlib import Path

from graph_model.db import Graph
from loaders import load_export
from loaders.synthetic.readback import ReadBack, evaluate_exports
from loaders.synthetic.reference import Alert as Expected
from queries.alerts import Alert, run_detectors
from queries.registry import Registry

SCORE_DIGITS = 3  # alerts carry their score rounded to three decimals


def load_and_detect(graph: Graph, dirs: list[Path], as_of: dt.date, rejects: Path) -> list[Alert]:
    """Load the export directories (source = directory name) and run every detector at ``as_of``."""
    for d in dirs:
        load_export(graph, d, d.name, rejects=rejects / f"{d.name}.rejects.csv")
    runs = run_detectors(graph, Registry(), as_of=as_of)
    failed = {r.name: r.error for r in runs if not r.ok}
    assert not failed, failed
    return [a for r in runs for a in r.alerts]


def differences(graph: Graph, alerts: list[Alert], back: ReadBack) -> list[str]:
    """Every way the detectors' alerts differ from the oracle's; empty when they match exactly.

    Alerts are matched by detector and case (party-level: the legal person). For each: the score
    (to the alert's three decimals), the subject party (one of the parties the oracle allows), and
    ``related`` as a set of case numbers, party ids (any party_id of the legal person named) and
    asset / measure / payment / auction ids.
    """
    entity_of_key = {(source, pid): e for e, keys in back.party_keys.items() for source, pid in keys}
    entities_of_pid: dict[str, set[int]] = defaultdict(set)
    for (_, pid), e in entity_of_key.items():
        entities_of_pid[pid].add(e)
    code_of_case = {name: code for code, name in back.case_names.items()}
    uids = sorted({a.party_uid for a in alerts if a.party_uid is not None})
    rows = graph.read("MATCH (p:Party) WHERE p.uid IN $uids RETURN p.uid AS uid, p.source_keys AS keys", {"uids": uids})
    entity_of_uid: dict[str, int | None] = {}
    for r in rows:
        found = {entity_of_key.get(tuple(k.split(":", 1))) for k in r["keys"] or []}
        entity_of_uid[r["uid"]] = found.pop() if len(found) == 1 else None

    def related_of(a: Alert) -> set[tuple[str, int | str]]:
        out: set[tuple[str, int | str]] = set()
        for item in a.related:
            if item in code_of_case:
                out.add(("case", code_of_case[item]))
            elif len(entities_of_pid.get(item, ())) == 1:
                out.add(("party", next(iter(entities_of_pid[item]))))
            elif item in entities_of_pid:
                out.add(("ambiguous party_id", item))
            else:
                out.add(("id", item))
        return out

    def name(token: tuple[str, int | str]) -> str:
        kind, value = token
        if kind == "case":
            return back.case_names[int(value)]
        if kind == "party":
            return "party " + "/".join(pid for _, pid in back.party_keys.get(int(value), []))
        return str(value)

    expected: dict[tuple[str, str | int | None], Expected] = {}
    for e in back.oracle:
        key = back.case_names[e.case] if e.case is not None else e.party_level_entity
        expected[(e.detector, key)] = e
    got: dict[tuple[str, str | int | None], Alert] = {}
    for a in alerts:
        key = a.case_no if a.alert_on == "case" else entity_of_uid.get(a.party_uid or "")
        got[(a.detector, key)] = a

    def label(key: tuple[str, str | int | None]) -> str:
        detector, subject = key
        return f"{detector} {name(('party', subject)) if isinstance(subject, int) else subject}"

    diffs = [f"missing: {label(k)} (score {expected[k].score:.3f})" for k in sorted(expected.keys() - got.keys(), key=str)]
    diffs += [f"unexpected: {label(k)} (score {got[k].score})" for k in sorted(got.keys() - expected.keys(), key=str)]
    for key in sorted(expected.keys() & got.keys(), key=str):
        e, a = expected[key], got[key]
        if abs(a.score - e.score) > 0.5 * 10**-SCORE_DIGITS + 1e-9:
            diffs.append(f"{label(key)}: score {a.score}, the contract's formula gives {e.score:.6f}")
        subject = entity_of_uid.get(a.party_uid) if a.party_uid is not None else None
        if subject not in e.subjects and not (subject is None and not e.subjects):
            diffs.append(f"{label(key)}: subject {a.party_id}, expected one of "
                         f"{[name(('party', s)) for s in e.subjects]}")
        want = set(e.related) | {("party", s) for s in e.co_subjects if s != subject}
        have = related_of(a)
        if have != want:
            diffs.append(f"{label(key)}: related has {sorted(map(name, have - want))} too many and lacks "
                         f"{sorted(map(name, want - have))}")
    return diffs


def check_exports(graph: Graph, dirs: list[Path], as_of: dt.date, rejects: Path) -> tuple[list[Alert], ReadBack]:
    """Load, detect, evaluate the oracle on the same files, and require an exact match."""
    alerts = load_and_detect(graph, dirs, as_of, rejects)
    back = evaluate_exports(dirs, as_of)
    diffs = differences(graph, alerts, back)
    assert not diffs, f"{len(diffs)} differences from the oracle:\n" + "\n".join(diffs[:30])
    return alerts, back
