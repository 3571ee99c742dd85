"""Graph views (pyvis) and the web pages judges use."""
