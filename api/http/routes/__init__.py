"""The route modules, in the order they appear in the OpenAPI document.

Each module has ``router`` (an APIRouter) and ``PUBLIC`` (mounted at the root
rather than under /api/v1: health, which answers without a key, and the OpenAPI
document and docs, which need one). A new part of the API — the
alerts routes, the loads endpoint — is one more module added to ROUTERS; its
routes declare ``require("<permission>")`` and the auth tests cover them.
"""

from types import ModuleType

from api.http.routes import (
    alerts,
    audit,
    cases,
    console,
    docs,
    health,
    identity,
    keys,
    loads,
    meta,
    network,
    parties,
    queries,
)

ROUTERS: list[ModuleType] = [health, docs, meta, parties, cases, alerts, network, identity, queries, console, loads,
                             keys, audit]

# The web pages (HTML, under /web) are one more route module; their own package keeps templates beside them.
from api.web import pages as web_pages  # noqa: E402

ROUTERS.append(web_pages)
