"""Deployment thresholds: a YAML file that overrides the default parameters of the detectors.

The file named by ``DEBTGRAPH_DETECTOR_CONFIG`` maps a detector name to the
parameters whose defaults the deployment changes; the key ``all`` sets a
parameter for every detector that declares it (public holidays, say)::

    all:
      holidays: [2026-10-01, 2026-10-02]
    funds_not_disbursed:
      max_days: 20

Values are checked by the parameter's declared type when the file is read, so
a wrong threshold fails at start with the file, detector, parameter and value
named — not in the middle of a detection run.
"""

from __future__ import annotations

import dataclasses
from pathlib import Path
from typing import Any

import yaml

from graph_model.settings import Settings, get_settings
from queries.registry import QueryError, Registry

ALL = "all"


def load_detector_config(path: Path) -> dict[str, dict[str, Any]]:
    """Read and shape-check the override file: {detector or 'all': {parameter: value}}."""
    try:
        raw = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    except OSError as exc:
        raise QueryError(f"{path}: cannot read the detector configuration ({exc.strerror})") from None
    except yaml.YAMLError as exc:
        raise QueryError(f"{path}: not valid YAML ({exc})") from None
    if not isinstance(raw, dict):
        raise QueryError(f"{path}: expected a mapping of detector names to parameters")
    config: dict[str, dict[str, Any]] = {}
    for name, params in raw.items():
        if not isinstance(params, dict):
            raise QueryError(f"{path}: {name}: expected a mapping of parameter names to values, got {params!r}")
        config[str(name)] = {str(k): v for k, v in params.items()}
    return config


def apply_detector_config(registry: Registry, config: dict[str, dict[str, Any]], source: str = "config") -> Registry:
    """Replace the detectors' parameter defaults by the configured values (checked by type); returns registry."""
    detectors = {q.name: q for q in registry.detectors()}
    for name in config:
        if name != ALL and name not in detectors:
            raise QueryError(f"{source}: no detector named {name!r} (known: {', '.join(sorted(detectors))})", name)
    for name, query in detectors.items():
        overrides = {k: v for k, v in config.get(ALL, {}).items() if k in query.parameters}
        overrides.update(config.get(name, {}))
        if not overrides:
            continue
        params = dict(query.parameters)
        for pname, raw in overrides.items():
            if pname not in params:
                raise QueryError(f"{source}: {name}: no parameter {pname!r} (it takes {', '.join(params)})", pname)
            try:
                value = params[pname].convert(raw)
            except QueryError as exc:
                raise QueryError(f"{source}: {name}: {exc}", pname) from None
            params[pname] = dataclasses.replace(params[pname], default=value)
        registry.queries[name] = dataclasses.replace(query, parameters=params)
    return registry


def configured_registry(settings: Settings | None = None) -> Registry:
    """The catalogue as the deployment runs it: user queries from <data dir>/queries, thresholds from the config."""
    settings = settings or get_settings()
    registry = Registry(user_dir=settings.data_dir / "queries")
    path = getattr(settings, "debtgraph_detector_config", None)
    if path:
        path = Path(path).expanduser()
        apply_detector_config(registry, load_detector_config(path), str(path))
    return registry
