"""API keys and roles: who may do what, shared by the HTTP API and `debtgraph keys`.

A key is a high-entropy random string shown once at creation; the security store
(api.security_store, SQLite beside the data directory, never the graph) keeps only
its SHA-256, so neither a stolen store nor the console yields keys.
What each role may do is declared once, in :data:`PERMISSIONS`; routes name the
permission they need and the tests check every route against this table.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets
import threading
import time
from dataclasses import dataclass
from typing import Any

from api.results import NotFound
from api.security_store import SecurityStore

ROLES: tuple[str, ...] = ("judge", "investigator", "case_system", "admin")
KEY_PREFIX = "dg_"

# Every permission a route may require, and the roles that hold it. The one place to change access.
PERMISSIONS: dict[str, frozenset[str]] = {
    "meta:read": frozenset({"judge", "investigator", "case_system", "admin"}),  # version, own identity
    "parties:read": frozenset({"judge", "investigator", "admin"}),
    "cases:read": frozenset({"judge", "investigator", "case_system", "admin"}),
    "alerts:case": frozenset({"judge", "investigator", "case_system", "admin"}),  # one case's alerts, with evidence
    "alerts:read": frozenset({"judge", "investigator", "admin"}),  # every alert: the list, inbox, dashboard
    "alerts:write": frozenset({"judge", "investigator", "admin"}),  # change an alert's status
    "alerts:detect": frozenset({"admin"}),  # run the detectors now and store their alerts
    "network:read": frozenset({"judge", "investigator", "admin"}),  # control, debtor groups, cycles, paths
    "identity:review": frozenset({"investigator", "admin"}),  # confirm or reject pending SAME_AS links
    "queries:read": frozenset({"investigator", "admin"}),  # the catalogue
    "queries:run": frozenset({"investigator", "admin"}),
    "queries:save": frozenset({"investigator", "admin"}),
    "console:run": frozenset({"investigator", "admin"}),
    "loads:write": frozenset({"admin"}),
    "keys:admin": frozenset({"admin"}),
    "audit:read": frozenset({"admin"}),
}


class KeyProblem(ValueError):
    """A key operation that cannot be done (bad name or role: 422; name taken: 409)."""

    def __init__(self, message: str, field: str | None = None, conflict: bool = False) -> None:
        super().__init__(message)
        self.field = field
        self.conflict = conflict


@dataclass(frozen=True)
class Principal:
    """The caller: the key's name and role (never the key)."""

    name: str
    role: str
    key_hash: str = ""

    def can(self, permission: str) -> bool:
        return self.role in PERMISSIONS[permission]

    @property
    def actor(self) -> str:
        return self.name


def hash_key(key: str) -> str:
    return hashlib.sha256(key.encode("utf-8")).hexdigest()


def new_key() -> str:
    """256 random bits, URL-safe, with a recognisable prefix (for secret scanners)."""
    return KEY_PREFIX + secrets.token_urlsafe(32)


def create_key(store: SecurityStore, name: str, role: str) -> tuple[str, dict[str, Any]]:
    """Create a key; returns (the key — shown once, never stored —, its record)."""
    name = (name or "").strip()
    if not name or len(name) > 100:
        raise KeyProblem("a key needs a name of 1–100 characters", "name")
    if role not in ROLES:
        raise KeyProblem(f"role {role!r} is not one of {', '.join(ROLES)}", "role")
    key = new_key()
    row = store.create_key(name=name, role=role, key_hash=hash_key(key), created_at=dt.datetime.now(dt.UTC))
    if row is None:
        raise KeyProblem(f"a key named {name!r} exists already (names stay taken after revocation)", "name",
                         conflict=True)
    return key, row


def list_keys(store: SecurityStore) -> list[dict[str, Any]]:
    return store.list_keys()


def revoke_key(store: SecurityStore, name: str) -> dict[str, Any]:
    """Revoke a key; this process stops trusting it at once (others within their cache time)."""
    row = store.revoke_key(name, dt.datetime.now(dt.UTC))
    KEY_CACHE.forget(name)
    if row is None:
        raise NotFound(f"no API key named {name!r}")
    return row


class KeyCache:
    """Key hash → principal for a few seconds, per process: saves the API one read per request.

    Only valid, unrevoked keys are kept (an unknown key is looked up every time, so guessing cannot
    fill the cache). :func:`revoke_key` clears the key here at once; a key revoked by another process
    (`debtgraph keys revoke`, another API worker) is still accepted here until its entry expires —
    at most DEBTGRAPH_KEY_CACHE_SECONDS.
    """

    MAX_ENTRIES = 10_000

    def __init__(self) -> None:
        self._entries: dict[tuple[str, str, str], tuple[float, Principal]] = {}
        self._lock = threading.Lock()
        self.generation = 0  # bumped by every revocation: a lookup that began before one is not kept

    def get(self, scope: tuple[str, str], key_hash: str) -> Principal | None:
        with self._lock:
            entry = self._entries.get((*scope, key_hash))
            if entry is None:
                return None
            if entry[0] <= time.monotonic():
                del self._entries[(*scope, key_hash)]
                return None
            return entry[1]

    def put(self, scope: tuple[str, str], principal: Principal, seconds: float, generation: int) -> None:
        """Keep a principal read from the graph, unless a revocation happened since the read began."""
        with self._lock:
            if generation != self.generation:
                return
            if len(self._entries) >= self.MAX_ENTRIES:
                self._entries.clear()
            self._entries[(*scope, principal.key_hash)] = (time.monotonic() + seconds, principal)

    def forget(self, name: str) -> None:
        """Drop every entry of the key with this name (names are unique and stay taken)."""
        with self._lock:
            self.generation += 1
            for k in [k for k, (_, p) in self._entries.items() if p.name == name]:
                del self._entries[k]

    def clear(self) -> None:
        with self._lock:
            self._entries.clear()


KEY_CACHE = KeyCache()


def authenticate(store: SecurityStore, key: str, cache_seconds: float = 0.0) -> Principal | None:
    """The principal for a presented key, or None when unknown or revoked."""
    if not key or len(key) > 200:
        return None
    return principal_for_hash(store, hash_key(key), cache_seconds)


def principal_for_hash(store: SecurityStore, key_hash: str, cache_seconds: float = 0.0) -> Principal | None:
    """Look a key up by its hash (session cookies carry the hash, re-checked on every request).

    With ``cache_seconds`` > 0 a key found valid is trusted that long in this process (:class:`KeyCache`).
    """
    scope = (str(store.path), "")
    generation = KEY_CACHE.generation
    if cache_seconds > 0:
        cached = KEY_CACHE.get(scope, key_hash)
        if cached is not None:
            return cached
    row = store.find_key(key_hash)
    if row is None or row["revoked"]:
        return None
    principal = Principal(name=row["name"], role=row["role"], key_hash=key_hash)
    if cache_seconds > 0:
        KEY_CACHE.put(scope, principal, cache_seconds, generation)
    return principal
