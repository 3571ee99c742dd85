"""`debtgraph detect`, `queries`, `query` and `alerts …`: detectors, saved queries and the alert workflow.

Machine output (jsonl, csv) goes to stdout and nothing else does; progress, tables' captions
and errors go to stderr.
"""

from __future__ import annotations

import csv
import datetime as dt
import json
import logging
import sys
from enum import StrEnum
from typing import Annotated, Any

import typer
from neo4j.graph import Node, Path, Relationship
from rich.table import Table

from api.cli.app import app, err, fail, out
from graph_model.db import Graph
from graph_model.settings import get_settings
from graph_model.subgraph import Subgraph, plain
from graph_model.types import clean_date
from queries.alerts import (
    CSV_FIELDS,
    STATUSES,
    AlertError,
    DetectorRun,
    alert_stats,
    alerts_of_case,
    configured_registry,
    get_alert,
    list_alerts,
    run_detectors,
    set_status,
    store_runs,
)
from queries.alerts.store import BATCH
from queries.registry import QueryError, Registry

# The server's notices (e.g. "property key does not exist" on an empty graph) are not for users.
logging.getLogger("neo4j.notifications").setLevel(logging.ERROR)


class Format(StrEnum):
    table = "table"
    jsonl = "jsonl"
    csv = "csv"


def _registry() -> Registry:
    try:
        return configured_registry(get_settings())
    except QueryError as exc:
        raise fail(str(exc), 2) from exc


def _date(value: str | None, option: str) -> dt.date | None:
    if value is None:
        return None
    if value.strip().lower() == "today":
        return dt.date.today()
    try:
        return clean_date(value)
    except ValueError as exc:
        raise fail(f"{option}: {value!r} is not a date ({exc})", 2) from exc


def _jsonable(value: Any) -> Any:
    """Query results for JSON/CSV: nodes and relationships as their properties, temporals as ISO text."""
    if isinstance(value, Node):
        return {"labels": sorted(value.labels), **plain(dict(value))}
    if isinstance(value, Relationship):
        return {"type": value.type, **plain(dict(value))}
    if isinstance(value, Path):
        return Subgraph.from_records([{"p": value}]).to_json()
    if isinstance(value, list):
        return [_jsonable(v) for v in value]
    if isinstance(value, dict):
        return {k: _jsonable(v) for k, v in value.items()}
    return plain(value)


def _cell(value: Any) -> str:
    value = _jsonable(value)
    if value is None:
        return ""
    if isinstance(value, list):
        return ";".join(_cell(v) for v in value)
    if isinstance(value, dict):
        return json.dumps(value, ensure_ascii=False)
    return str(value)


def _write_jsonl(rows: list[dict[str, Any]]) -> None:
    for row in rows:
        sys.stdout.write(json.dumps(_jsonable(row), ensure_ascii=False) + "\n")
    sys.stdout.flush()


def _write_csv(rows: list[dict[str, Any]], columns: list[str]) -> None:
    writer = csv.writer(sys.stdout, lineterminator="\n")
    writer.writerow(columns)
    for row in rows:
        writer.writerow([_cell(row.get(c)) for c in columns])
    sys.stdout.flush()


# -- detect ---------------------------------------------------------------------------------------
@app.command()
def detect(
    as_of: Annotated[str | None, typer.Option("--as-of", help="evaluate the graph as it stood on this date [default: today]")] = None,
    detector: Annotated[list[str] | None, typer.Option("--detector", "-d", help="run only this detector (repeatable)")] = None,
    fmt: Annotated[Format, typer.Option("--format", "-f", help="table (Chinese, for people), jsonl or csv")] = Format.table,
    no_store: Annotated[bool, typer.Option("--no-store", help="only print the alerts; do not update the alert store")] = False,
    timeout: Annotated[float | None, typer.Option("--timeout", help="seconds per detector [default: DEBTGRAPH_DETECTOR_TIMEOUT, 600]")] = None,
) -> None:
    """Run the detectors and print their alerts; by default also store them (new, updated, resolved)."""
    day = _date(as_of, "--as-of") or dt.date.today()
    registry = _registry()
    titles = {q.name: q.title_zh for q in registry.detectors()}

    def progress(run: DetectorRun) -> None:
        if run.ok:
            err.print(f"{run.name}: {len(run.alerts)} alerts in {run.seconds:.2f} s", highlight=False)
        else:
            err.print(f"[bold red]{run.name} failed[/] after {run.seconds:.2f} s: {run.error}", highlight=False)

    with Graph() as graph:
        try:
            runs = run_detectors(graph, registry, as_of=day, names=detector or None, timeout=timeout,
                                 progress=progress)
        except QueryError as exc:
            raise fail(str(exc), 2) from exc
        if not no_store:
            result = store_runs(graph, runs, day, batch=min(BATCH, graph.settings.debtgraph_batch_size))
            err.print(f"alert store: {result.stored} stored, {result.resolved} resolved", highlight=False)
    alerts = [a for run in runs for a in run.alerts]
    if fmt is Format.jsonl:
        _write_jsonl([a.to_output() for a in alerts])
    elif fmt is Format.csv:
        _write_csv([a.to_output() for a in alerts], list(CSV_FIELDS))
    else:
        table = Table(title=f"执行预警（评估日期 {day.isoformat()}，共 {len(alerts)} 条）", show_lines=True)
        for column in ("检测项", "案号", "当事人", "证件号码", "评分", "提示", "依据"):
            table.add_column(column, overflow="fold")
        for a in sorted(alerts, key=lambda x: (-x.score, x.key)):
            table.add_row(titles.get(a.detector, a.detector), a.case_no or "—", a.party_id or "—",
                          a.id_number or "—", f"{a.score:.2f}", a.message, a.basis)
        out.print(table)
    if any(not r.ok for r in runs):
        raise typer.Exit(1)


# -- saved queries --------------------------------------------------------------------------------
@app.command("queries")
def list_queries(
    as_json: Annotated[bool, typer.Option("--json", help="the catalogue as JSON on stdout")] = False,
) -> None:
    """List the detectors and saved queries with their parameters."""
    registry = _registry()
    queries = sorted(registry.queries.values(), key=lambda q: (q.group, q.name))
    if as_json:
        sys.stdout.write(json.dumps([q.to_json() for q in queries], ensure_ascii=False, indent=2) + "\n")
        return
    table = Table(title=f"查询目录（{len(queries)} 项）")
    for column in ("名称", "类别", "标题", "参数"):
        table.add_column(column, overflow="fold")
    groups = {"detectors": "检测器", "saved": "保存的查询", "user": "用户查询"}
    for q in queries:
        params = ", ".join(f"{p.name}:{p.type}" + (f"={_cell(p.to_json().get('default'))}" if p.default is not None
                                                     else " (必填)" if p.required else "")
                           for p in q.parameters.values())
        table.add_row(q.name, groups.get(q.group, q.group), f"{q.title_zh} / {q.title_en}", params)
    out.print(table)


def _parse_params(items: list[str]) -> dict[str, str]:
    params: dict[str, str] = {}
    for item in items:
        key, sep, value = item.partition("=")
        if not sep or not key.strip():
            raise fail(f"--param {item!r}: write it as key=value", 2)
        params[key.strip()] = value
    return params


@app.command("query")
def run_query(
    name: Annotated[str, typer.Argument(help="a detector or saved query (see `debtgraph queries`)")],
    param: Annotated[list[str] | None, typer.Option("--param", "-p", help="a parameter as key=value (repeatable)")] = None,
    fmt: Annotated[Format, typer.Option("--format", "-f", help="table, jsonl or csv")] = Format.table,
    timeout: Annotated[float | None, typer.Option("--timeout", help="seconds [default: DEBTGRAPH_QUERY_TIMEOUT]")] = None,
) -> None:
    """Run one saved query or detector by name with typed parameters (read-only)."""
    registry = _registry()
    params = _parse_params(param or [])
    with Graph() as graph:
        try:
            query = registry.get(name)
            rows = graph.read_records(query.cypher, query.bind(params), timeout=timeout)
        except QueryError as exc:
            raise fail(str(exc), 2) from exc
    data = [dict(r.items()) for r in rows]
    columns = list(rows[0].keys()) if rows else list(query.columns)
    err.print(f"{name}: {len(data)} rows", highlight=False)
    if fmt is Format.jsonl:
        _write_jsonl(data)
    elif fmt is Format.csv:
        _write_csv(data, columns)
    else:
        table = Table(title=f"{query.title_zh}（{len(data)} 行）")
        for c in columns:
            table.add_column(c, overflow="fold")
        for row in data:
            table.add_row(*(_cell(row.get(c)) for c in columns))
        out.print(table)


# -- alerts ---------------------------------------------------------------------------------------
alerts_app = typer.Typer(help="The stored alerts: list, show, a case's alerts, statistics, status changes.",
                         no_args_is_help=True)
app.add_typer(alerts_app, name="alerts")

STATUS_ZH = {"new": "新", "acknowledged": "已查看", "confirmed": "已确认", "dismissed": "已排除", "resolved": "已消除"}


def _alert_table(items: list[dict[str, Any]], title: str) -> Table:
    table = Table(title=title, show_lines=True)
    for column in ("编号", "状态", "评分", "案号", "当事人", "提示", "首次发现"):
        table.add_column(column, overflow="fold")
    for a in items:
        table.add_row(a["key"], STATUS_ZH.get(a["status"], a["status"]), f"{a['score']:.2f}", a.get("case_no") or "—",
                      a.get("party_id") or "—", a.get("message") or "", (a.get("first_seen") or "")[:19])
    return table


@alerts_app.command("list")
def alerts_list(
    detector: Annotated[str | None, typer.Option("--detector", "-d")] = None,
    court: Annotated[str | None, typer.Option("--court", help="court code, e.g. 沪0104")] = None,
    status: Annotated[list[str] | None, typer.Option("--status", "-s", help=f"one of {', '.join(STATUSES)} (repeatable)")] = None,
    since: Annotated[str | None, typer.Option("--since", help="first seen on or after this date")] = None,
    until: Annotated[str | None, typer.Option("--until", help="first seen on or before this date")] = None,
    min_score: Annotated[float | None, typer.Option("--min-score")] = None,
    skip: Annotated[int, typer.Option("--skip")] = 0,
    limit: Annotated[int, typer.Option("--limit")] = 50,
    as_json: Annotated[bool, typer.Option("--json", help="JSON on stdout: total and items")] = False,
) -> None:
    """List stored alerts with filters, strongest first."""
    with Graph() as graph:
        try:
            page = list_alerts(graph, detector, court, status or None, _date(since, "--since"), _date(until, "--until"),
                               min_score, skip, limit)
        except AlertError as exc:
            raise fail(str(exc), 2) from exc
    if as_json:
        sys.stdout.write(json.dumps({"total": page.total, "skip": page.skip, "limit": page.limit,
                                     "items": page.items}, ensure_ascii=False) + "\n")
        return
    out.print(_alert_table(page.items, f"预警（共 {page.total} 条，显示 {skip + 1}–{skip + len(page.items)}）"))


@alerts_app.command("show")
def alerts_show(key: Annotated[str, typer.Argument(help="alert key, e.g. hidden_receivable:(2024)沪0104执1号")]) -> None:
    """One alert with its history and evidence subgraph, as JSON on stdout."""
    with Graph() as graph:
        try:
            alert, evidence = get_alert(graph, key)
        except AlertError as exc:
            raise fail(str(exc), 3) from exc
    sys.stdout.write(json.dumps({"alert": alert, "evidence": evidence.to_json()}, ensure_ascii=False, indent=2) + "\n")


@alerts_app.command("case")
def alerts_case(
    case_no: Annotated[str, typer.Argument(help="case number")],
    resolved: Annotated[bool, typer.Option("--resolved", help="include resolved alerts")] = False,
    as_json: Annotated[bool, typer.Option("--json")] = False,
) -> None:
    """The alerts a judge sees on a case (including party-level alerts on its respondents)."""
    with Graph() as graph:
        items = alerts_of_case(graph, case_no, include_resolved=resolved)
    if as_json:
        sys.stdout.write(json.dumps(items, ensure_ascii=False) + "\n")
        return
    out.print(_alert_table(items, f"{case_no} 的预警（{len(items)} 条）"))


@alerts_app.command("stats")
def alerts_stats(as_json: Annotated[bool, typer.Option("--json")] = False) -> None:
    """Per detector: alerts by status, and confirmed : dismissed — which detectors earn trust."""
    registry = _registry()
    titles = {q.name: q.title_zh for q in registry.detectors()}
    with Graph() as graph:
        rows = alert_stats(graph, titles)
    if as_json:
        sys.stdout.write(json.dumps(rows, ensure_ascii=False) + "\n")
        return
    table = Table(title="各检测器预警统计")
    for column in ("检测器", "合计", *(STATUS_ZH[s] for s in STATUSES), "确认 : 排除", "确认率"):
        table.add_column(column)
    for r in rows:
        ratio = "—" if r["confirmed_ratio"] is None else f"{100 * r['confirmed_ratio']:.0f}%"
        table.add_row(f"{titles.get(r['detector'], r['detector'])} ({r['detector']})", str(r["total"]),
                      *(str(r[s]) for s in STATUSES), f"{r['decided_confirmed']} : {r['decided_dismissed']}", ratio)
    out.print(table)


@alerts_app.command("set-status")
def alerts_set_status(
    key: Annotated[str, typer.Argument(help="alert key")],
    status: Annotated[str, typer.Option("--status", help="acknowledged, confirmed or dismissed")],
    reason: Annotated[str, typer.Option("--reason", help="why (kept in the alert's history)")],
    actor: Annotated[str, typer.Option("--actor", help="who makes the change")],
) -> None:
    """Move an alert along new → acknowledged → confirmed / dismissed, with who and why."""
    with Graph() as graph:
        try:
            alert = set_status(graph, key, status, actor, reason)
        except AlertError as exc:
            raise fail(str(exc), 2) from exc
    err.print(f"{alert['key']}: {STATUS_ZH.get(alert['status'], alert['status'])} ({alert['status']})", highlight=False)
