"""`debtgraph generate`: synthetic court exports with planted scenarios and their truth.json."""

from __future__ import annotations

import datetime as dt
import time
from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table

from api.cli.app import app, err, fail, out
from loaders.synthetic import generate as generate_dataset
from loaders.synthetic.generator import ENCODINGS


@app.command()
def generate(
    parties: Annotated[int, typer.Option("--parties", help="size of the population the exports draw their parties from")],
    seed: Annotated[int, typer.Option("--seed", help="random seed: the same seed writes the same bytes")],
    as_of: Annotated[str, typer.Option("--as-of", help="evaluation date of truth.json (YYYY-MM-DD); no data lies after it")],
    out_dir: Annotated[Path, typer.Option("--out", help="directory to write the exports and truth.json into")],
    exports: Annotated[int, typer.Option("--exports", help="number of exports (courts): Xuhui, Hongkou, Pudong, 3rd intermediate, …")] = 3,
    encoding: Annotated[str, typer.Option("--encoding", help="CSV encoding: utf-8, utf-8-sig or gb18030")] = "utf-8",
    messy: Annotated[bool, typer.Option("--messy", help="mixed value forms, full-width case numbers, parties without or with bad ids, GB18030 files, bad rows")] = False,
) -> None:
    """Write synthetic court exports and truth.json: the alerts every detector must raise on them."""
    try:
        day = dt.date.fromisoformat(as_of)
    except ValueError as exc:
        raise fail(f"--as-of {as_of!r} is not a date (use YYYY-MM-DD)") from exc
    if encoding not in ENCODINGS:
        raise fail(f"--encoding {encoding!r} is not one of {', '.join(ENCODINGS)}")
    if parties < 1:
        raise fail("--parties must be positive")
    started = time.monotonic()
    try:
        truth = generate_dataset(out_dir, parties, seed, day, exports, encoding, messy)
    except ValueError as exc:
        raise fail(str(exc)) from exc
    table = Table(title=f"truth at {day.isoformat()} ({time.monotonic() - started:.1f} s)")
    table.add_column("detector")
    table.add_column("alerts", justify="right")
    table.add_column("planted", justify="right")
    table.add_column("decoys", justify="right")
    for detector, count in truth.counts().items():
        table.add_row(detector, str(count), str(len(truth.planted[detector])), str(len(truth.decoys[detector])))
    err.print(table)
    err.print(f"{truth.stats['distinct_parties']:,} distinct parties in {len(truth.exports)} exports; "
              f"{len(truth.accidental)} alerts beyond the planted ones")
    out.print(str(out_dir / "truth.json"), highlight=False)
