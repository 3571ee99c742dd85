"""The `debtgraph` command line. Each module registers its commands on the shared app."""

from api.cli import (
    audit,  # noqa: F401  (registers `debtgraph audit export`)
    db,  # noqa: F401  (registers `debtgraph db …`)
    decisions,  # noqa: F401  (registers `debtgraph decisions export|import`)
    demo,  # noqa: F401  (registers `debtgraph demo`)
    detect,  # noqa: F401  (registers `debtgraph detect`, `queries`, `query`, `alerts …`)
    generate,  # noqa: F401  (registers `debtgraph generate`)
    ingest,  # noqa: F401  (registers `debtgraph ingest INBOX`)
    keys,  # noqa: F401  (registers `debtgraph keys …`)
    link,  # noqa: F401  (registers `debtgraph link …`)
    load,  # noqa: F401  (registers `debtgraph load`)
    loads,  # noqa: F401  (registers `debtgraph loads list|show`)
    network,  # noqa: F401  (registers `debtgraph network …`)
    serve,  # noqa: F401  (registers `debtgraph serve`)
    view,  # noqa: F401  (registers `debtgraph view party|alert`)
)
from api.cli.app import app

__all__ = ["app"]


def main() -> None:
    app()
