"""`debtgraph keys …`: create, list and revoke API keys (each operation is audited)."""

from __future__ import annotations

import getpass
import json

import typer

from api import audit as audit_log
from api import auth
from api.cli.app import app, err, fail
from api.results import NotFound
from api.security_store import store_for
from graph_model.settings import get_settings

keys_app = typer.Typer(help="API keys: create (shown once), list, revoke.", no_args_is_help=True)
app.add_typer(keys_app, name="keys")


def cli_actor() -> str:
    """The audit trail's actor for command-line operations: the operating-system user."""
    try:
        return f"cli:{getpass.getuser()}"
    except Exception:  # noqa: BLE001 - no user name in some containers
        return "cli"


@keys_app.command("create")
def create(
    role: str = typer.Option(..., "--role", help=f"one of {', '.join(auth.ROLES)}"),
    name: str = typer.Option(..., "--name", help="who or what holds the key (unique)"),
) -> None:
    """Create a key and print it once on stdout; only its SHA-256 is stored."""
    store = store_for(get_settings())
    try:
        key, info = auth.create_key(store, name, role)
    except auth.KeyProblem as exc:
        raise fail(str(exc), 2) from exc
    audit_log.record(store, actor=cli_actor(), role="admin", action="key.create", target=info["name"],
                     params={"role": role}, client="cli")
    err.print(f"key {info['name']} ({info['role']}) created; it is shown only now:")
    typer.echo(key)  # plain stdout, never wrapped: scripts capture it


@keys_app.command("list")
def list_keys(as_json: bool = typer.Option(False, "--json", help="JSON lines instead of a table")) -> None:
    """Every key: name, role, created, revoked (never the key or its hash)."""
    keys = auth.list_keys(store_for(get_settings()))
    if as_json:
        for k in keys:
            typer.echo(json.dumps(k, ensure_ascii=False))
        return
    for k in keys:
        state = "revoked" if k["revoked"] else "active"
        typer.echo(f"{k['name']}\t{k['role']}\t{k['created_at']}\t{state}")


@keys_app.command("revoke")
def revoke(name: str = typer.Argument(..., help="the key's name")) -> None:
    """Revoke a key: it stops working at once (its web sessions too) and stays listed."""
    store = store_for(get_settings())
    audit_log.record(store, actor=cli_actor(), role="admin", action="key.revoke", target=name, client="cli")
    try:
        auth.revoke_key(store, name)
    except NotFound as exc:
        raise fail(str(exc), 2) from exc
    err.print(f"key {name} revoked")
