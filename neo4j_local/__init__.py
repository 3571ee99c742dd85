"""Runs a real Neo4j Community server on this machine from its official Maven Central artifacts."""
