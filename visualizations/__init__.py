"""Graph views (pyvis / vis-network) and dashboard charts for the judges' pages.

Entry points:

- :func:`visualizations.render.render_html` — any :class:`graph_model.subgraph.Subgraph`
  (a party's network, an alert's evidence, paths, an equity chain) as one standalone,
  offline HTML page; :func:`~visualizations.render.build_view` gives its data,
  :func:`~visualizations.render.write_view` writes it to a file.
- :func:`visualizations.export.html_to_png` — a page as PNG through Debian's Chromium.
- :mod:`visualizations.charts` — bar charts as inline SVG strings.
- ``python -m visualizations.samples out.html`` — a preview of an example network.
"""
