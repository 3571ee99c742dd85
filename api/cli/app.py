"""The root Typer application; each module of api.cli adds its commands to it."""

from __future__ import annotations

import typer
from rich.console import Console

app = typer.Typer(
    name="debtgraph",
    help="debtgraph — graph analytics for court enforcement (执行).",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    add_completion=False,
)

# Human output (progress, tables, logs) goes to stderr so stdout stays machine-readable.
err = Console(stderr=True)
out = Console()


def fail(message: str, code: int = 1) -> typer.Exit:
    """Print a clear error on stderr and return the Exit to raise."""
    err.print(f"[bold red]error:[/] {message}", highlight=False)
    return typer.Exit(code)
