"""Saved queries and detectors as .cypher files with their metadata, and the registry that runs them."""
