"""The route modules, in the order they appear in the OpenAPI document.

Each module has ``router`` (an APIRouter) and ``PUBLIC`` (True only for health:
mounted at the root and answering without a key). A new part of the API — the
alerts routes, the loads endpoint — is one more module added to ROUTERS; its
routes declare ``require("<permission>")`` and the auth tests cover them.
"""

from types import ModuleType

from api.http.routes import audit, cases, console, health, keys, meta, parties, queries

ROUTERS: list[ModuleType] = [health, meta, parties, cases, queries, console, keys, audit]
