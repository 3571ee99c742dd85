"""The `debtgraph` command line. Each module registers its commands on the shared app."""

from api.cli import (
    db,  # noqa: F401  (registers `debtgraph db …`)
    load,  # noqa: F401  (registers `debtgraph load`)
)
from api.cli.app import app

__all__ = ["app"]


def main() -> None:
    app()
