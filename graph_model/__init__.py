"""The debtgraph graph model: declaration (model.yaml), value types, settings and database access."""

from graph_model.schema import MODEL, Model

__all__ = ["MODEL", "Model"]
