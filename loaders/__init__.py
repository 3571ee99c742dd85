"""Loaders: court exports (CSV, xlsx, parquet) into the graph."""
