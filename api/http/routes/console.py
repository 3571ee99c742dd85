"""The investigators' read-only Cypher console."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Request

from api.auth import Principal
from api.console import READ_PROCEDURES, ConsoleRefused, CypherError, run_console
from api.http.errors import COMMON_RESPONSES, CYPHER_ERROR_RESPONSE
from api.http.models import ConsoleIn, ConsoleOut
from api.http.security import audit, require
from queries.registry import QueryError

PUBLIC = False
router = APIRouter(prefix="/console", tags=["console"],
                   responses={**COMMON_RESPONSES, **CYPHER_ERROR_RESPONSE})


@router.post("", response_model=ConsoleOut, summary="Run one read-only Cypher statement",
             description="Refused with 403 before reaching the database: writes, schema and admin commands, "
                         "LOAD CSV, USE, several statements, and CALL of any procedure but "
                         f"{', '.join(sorted(READ_PROCEDURES))}. The server classifies the statement (EXPLAIN) and "
                         "anything but a read is refused; it then runs in a READ transaction with the query "
                         "timeout, returning at most DEBTGRAPH_CONSOLE_ROW_LIMIT rows and DEBTGRAPH_CONSOLE_BYTE_LIMIT "
                         "bytes of JSON; a value over DEBTGRAPH_CONSOLE_VALUE_LIMIT bytes is replaced by a marker. "
                         "`truncated_reason` says which limit cut the result.")
def console(request: Request, body: ConsoleIn, principal: Annotated[Principal, require("console:run")]) -> ConsoleOut:
    params = {"cypher": body.cypher, "params": body.params}
    settings = request.app.state.settings
    try:
        result = run_console(request.app.state.graph, body.cypher, body.params,
                             row_limit=settings.debtgraph_console_row_limit, timeout=settings.debtgraph_query_timeout,
                             byte_limit=settings.debtgraph_console_byte_limit,
                             value_limit=settings.debtgraph_console_value_limit)
    except (ConsoleRefused, CypherError, QueryError) as exc:  # the attempt is audited with why it was refused
        audit(request, principal, "console.run", None, params | {"refused": str(exc)[:500]})
        raise
    audit(request, principal, "console.run", None, params | {"rows": len(result.rows)})
    return ConsoleOut(**result.to_json())
