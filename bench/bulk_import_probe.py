"""Probe: how fast Neo4j's offline importer writes the core of one export, for comparison with the loader.

    .venv/bin/python bench/bulk_import_probe.py EXPORT_DIR --home NEO4J_HOME [--database bulkprobe]

Converts parties, phones, addresses, cases, case_parties and relations of an export into the
CSV files of `neo4j-admin database import full` (header rows in the importer's own format) and
runs the importer into a NEW database name of that Neo4j home, so a running server's own
database is not touched. Prints elements written per second.

This is a throughput probe, not a loader: values are taken as written (no cleaning, no rejects,
no id-number uids, no provenance merging), and the importer only fills an empty database, so it
is a candidate only for a first load (see bench/RESULTS.md, "Loading").
"""

from __future__ import annotations

import argparse
import csv
import os
import re
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from graph_model.schema import MODEL  # noqa: E402
from loaders.format import export_format  # noqa: E402
from neo4j_local.server import java_binary  # noqa: E402

KIND = {"person": "Person", "company": "Company", "organization": "Organization"}


def convert(export: Path, out: Path) -> dict[str, list[Path]]:
    """Importer CSVs (header file + data file per group); returns --nodes/--relationships groups."""
    source = export.name
    roles = {r: f"{r.upper()}_IN" for r in export_format().enums["role"].values}
    rels = MODEL.relation_types
    files: dict[str, list[Path]] = {"nodes": [], "relationships": []}

    def group(kind: str, name: str, header: list[str], rows: list[list[str]]) -> None:
        h, d = out / f"{name}-header.csv", out / f"{name}.csv"
        with h.open("w", newline="", encoding="utf-8") as fh:
            csv.writer(fh).writerow(header)
        with d.open("w", newline="", encoding="utf-8") as fh:
            csv.writer(fh).writerows(rows)
        files[kind].append(Path(f"{h},{d}"))

    def read(name: str) -> list[dict[str, str]]:
        with (export / f"{name}.csv").open(encoding="utf-8-sig", newline="") as fh:
            return list(csv.DictReader(fh))

    parties, phones, addresses, has_phone, has_address = [], {}, {}, [], []
    for r in read("parties"):
        uid = f"src:{source}:{r['party_id']}"
        parties.append([uid, r["name"], r["kind"], r["id_number"], source, f"Party;{KIND[r['kind']]}"])
        for p in filter(None, re.split(r"[;；]", r.get("phone") or "")):
            phones[p] = None
            has_phone.append([uid, p, source])
        for a in filter(None, re.split(r"[;；]", r.get("address") or "")):
            addresses[a] = None
            has_address.append([uid, a, source])
    group("nodes", "parties", ["uid:ID(Party)", "name", "kind", "id_number", "sources:string[]", ":LABEL"], parties)
    group("nodes", "phones", ["number:ID(Phone)", ":LABEL"], [[p, "Phone"] for p in phones])
    group("nodes", "addresses", ["text:ID(Address)", ":LABEL"], [[a, "Address"] for a in addresses])
    cases = {r["case_no"]: [r["case_no"], r["kind"], r["court"], r["status"], r["amount"], source, "Case"]
             for r in read("cases")}
    group("nodes", "cases", ["case_no:ID(Case)", "kind", "court", "status", "amount:float", "sources:string[]",
                             ":LABEL"], list(cases.values()))
    group("relationships", "has_phone", [":START_ID(Party)", ":END_ID(Phone)", "sources:string[]"],
          [[u, p, s] for u, p, s in has_phone])
    files["relationships"][-1] = Path(f"HAS_PHONE={files['relationships'][-1]}")
    group("relationships", "has_address", [":START_ID(Party)", ":END_ID(Address)", "sources:string[]"], has_address)
    files["relationships"][-1] = Path(f"HAS_ADDRESS={files['relationships'][-1]}")
    group("relationships", "case_parties", [":START_ID(Party)", ":END_ID(Case)", "sources:string[]", ":TYPE"],
          [[f"src:{source}:{r['party_id']}", r["case_no"], source, roles[r["role"]]]
           for r in read("case_parties") if r["case_no"] in cases and r["role"] in roles])
    group("relationships", "relations", [":START_ID(Party)", ":END_ID(Party)", "sources:string[]", ":TYPE"],
          [[f"src:{source}:{r['from_id']}", f"src:{source}:{r['to_id']}", source, rels[r["relation"]]]
           for r in read("relations") if r["relation"] in rels])
    return files


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("export")
    parser.add_argument("--home", required=True, help="NEO4J_HOME of a local server (its conf/ is used)")
    parser.add_argument("--database", default="bulkprobe")
    args = parser.parse_args()
    home = Path(args.home)
    lib = Path.home() / ".cache" / "debtgraph" / "neo4j-5.26.30" / "lib"
    with tempfile.TemporaryDirectory() as tmp:
        started = time.perf_counter()
        files = convert(Path(args.export), Path(tmp))
        converted = time.perf_counter() - started
        cmd = [java_binary(), "-cp", f"{lib}/*", "org.neo4j.cli.AdminTool", "database", "import", "full",
               args.database, "--overwrite-destination=true", "--skip-bad-relationships=true",
               "--skip-duplicate-nodes=true", "--array-delimiter=|", f"--report-file={Path(tmp) / 'import.report'}",
               *[f"--nodes={f}" for f in files["nodes"]], *[f"--relationships={f}" for f in files["relationships"]]]
        env = dict(os.environ, NEO4J_HOME=str(home), NEO4J_CONF=str(home / "conf"))
        started = time.perf_counter()
        done = subprocess.run(cmd, env=env, capture_output=True, text=True, check=False)
        imported = time.perf_counter() - started
    print(done.stdout[-3000:], done.stderr[-3000:])
    nodes = re.search(r"([\d,]+) nodes", done.stdout)
    rels = re.search(r"([\d,]+) relationships", done.stdout)
    n = int(nodes.group(1).replace(",", "")) if nodes else 0
    r = int(rels.group(1).replace(",", "")) if rels else 0
    print(f"converted in {converted:.1f} s; imported {n:,} nodes + {r:,} relationships in {imported:.1f} s "
          f"= {(n + r) / imported:,.0f} elements/s (JVM start included); "
          f"{(n + r) / (imported + converted):,.0f}/s with the conversion; load average {os.getloadavg()[0]:.1f}")


if __name__ == "__main__":
    main()
