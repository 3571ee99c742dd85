"""Loaders: court exports (CSV, xlsx, parquet) into the graph.

``load_export(graph, path, …) -> LoadSummary`` is the one entry point; the
command line (`debtgraph load`), the API's upload and the demo all call it.
"""

from loaders.load import FileSummary, LoadSummary, Reject, load_export, open_export
from loaders.readers import ExportError
from loaders.snapshot import MassRetire, load_snapshot

__all__ = ["ExportError", "FileSummary", "LoadSummary", "MassRetire", "Reject", "load_export", "load_snapshot",
           "open_export"]
