"""Loads (admin): upload a zipped export, get its load summary; fetch the rejection report of a load later."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any

from fastapi import APIRouter, HTTPException, Path, Query, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import FileResponse
from starlette.datastructures import UploadFile
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.requests import ClientDisconnect
from starlette.types import Message

from api import loads as lib
from api.auth import Principal
from api.http.errors import COMMON_RESPONSES, NOT_FOUND_RESPONSE, _problem_content
from api.http.models_analytics import LoadOut
from api.http.security import audit, require
from graph_model.types import clean_date
from loaders import ExportError, MassRetire
from queries.registry import QueryError

PUBLIC = False
router = APIRouter(prefix="/loads", tags=["loads"], responses={**COMMON_RESPONSES, **NOT_FOUND_RESPONSE})
LoadId = Annotated[str, Path(pattern=lib.LOAD_ID.pattern, examples=["20240628T080000Z-1a2b3c4d"])]

UPLOAD_BODY: dict[str, Any] = {
    "required": True,
    "content": {"multipart/form-data": {"schema": {
        "type": "object", "required": ["file"],
        "properties": {
            "file": {"type": "string", "format": "binary",
                     "description": "a zip of one export directory (parties, cases, case_parties …)"},
            "source": {"type": "string", "maxLength": 100,
                       "description": "the export's name; default the directory's name in the zip"},
            "snapshot": {"type": "boolean", "default": False,
                         "description": "the export is the source's complete current state: facts it asserted "
                                        "before and not now are retired as of exported_on (kept for history)"},
            "exported_on": {"type": "string", "format": "date", "description": "the snapshot's date; default today"},
            "allow_mass_retire": {"type": "boolean", "default": False,
                                  "description": "let the snapshot retire more than DEBTGRAPH_MAX_RETIRE_SHARE of "
                                                 "the source's facts"},
        }}}},
}


class _TooLarge(Exception):
    pass


def _limited(request: Request, limit: int) -> Request:
    """The request with a body that stops being read once it passes `limit` bytes (chunked uploads too)."""
    received = 0

    async def receive() -> Message:
        nonlocal received
        message = await request.receive()
        if message["type"] == "http.request":
            received += len(message.get("body", b""))
            if received > limit:
                raise _TooLarge
        return message

    return Request(request.scope, receive)


@router.post("", response_model=LoadOut, status_code=201, summary="Upload and load a zipped export",
             openapi_extra={"requestBody": UPLOAD_BODY},
             responses={413: _problem_content("the upload, or what it unpacks to, is above the size limit"),
                        409: _problem_content("a snapshot that would retire more than DEBTGRAPH_MAX_RETIRE_SHARE of "
                                              "its source's facts; nothing was written (allow_mass_retire=true "
                                              "once the export is checked)"),
                        422: _problem_content("not a zip, an unsafe entry (path leaving the export, link), or a "
                                              "file of the export that cannot be read; nothing was written")},
             description="multipart/form-data with `file` (a zip of ONE export directory) and optionally `source`. "
                         "At most DEBTGRAPH_MAX_UPLOAD_MB; what it unpacks to at most 20× that. Entries with "
                         "absolute paths, `..` or links are refused. An export file that cannot be read at all "
                         "answers 422 naming the file, and nothing is written; bad rows are rejected one by one "
                         "into the rejection report (GET /api/v1/loads/{load_id}/rejects). Audited as load.")
async def upload(request: Request, principal: Annotated[Principal, require("loads:write")]) -> LoadOut:
    settings = request.app.state.settings
    limit = settings.debtgraph_max_upload_mb * 1024 * 1024
    declared = request.headers.get("content-length")
    if declared and declared.isdigit() and int(declared) > limit + 64 * 1024:  # leave room for the form's framing
        raise HTTPException(413, f"the upload is {int(declared):,} bytes; the limit is "
                                 f"{settings.debtgraph_max_upload_mb} MB (DEBTGRAPH_MAX_UPLOAD_MB)")
    if not request.headers.get("content-type", "").startswith("multipart/form-data"):
        raise QueryError("send multipart/form-data with the zip in the field `file`", "file")
    try:
        form = await _limited(request, limit + 64 * 1024).form(max_files=1, max_fields=8)
    except _TooLarge:
        raise HTTPException(413, f"the upload is above the limit of {settings.debtgraph_max_upload_mb} MB "
                                 "(DEBTGRAPH_MAX_UPLOAD_MB)") from None
    except ClientDisconnect:
        raise HTTPException(400, "the client went away during the upload") from None
    except StarletteHTTPException as exc:  # the form parser's own refusals (too many files or fields, malformed)
        raise QueryError(f"the multipart body cannot be read: {exc.detail}", "file") from None
    upload_file = form.get("file")
    source = form.get("source")
    if not isinstance(upload_file, UploadFile):
        raise QueryError("no file in the field `file` (a zip of one export directory)", "file")
    if source is not None and not isinstance(source, str):
        raise QueryError("source: a text field, not a file", "source")
    snapshot, allow = _flag(form.get("snapshot"), "snapshot"), _flag(form.get("allow_mass_retire"), "allow_mass_retire")
    exported_on = _day(form.get("exported_on"))
    if (exported_on or allow) and not snapshot:
        raise QueryError("exported_on and allow_mass_retire go with snapshot=true", "snapshot")
    params = {"file": upload_file.filename, "source": source, "size": upload_file.size,
              **({"snapshot": True, "exported_on": str(exported_on or "today"), "allow_mass_retire": allow}
                 if snapshot else {})}
    try:
        await upload_file.seek(0)
        record = await run_in_threadpool(
            lib.load_upload, request.app.state.graph, upload_file.file, settings.data_dir, actor=principal.name,
            max_upload_bytes=limit, filename=upload_file.filename, source=source, snapshot=snapshot,
            exported_on=exported_on, allow_mass_retire=allow)
    except lib.UploadProblem as exc:
        await run_in_threadpool(audit, request, principal, "load", source, params | {"refused": str(exc)})
        if exc.status == 413:
            raise HTTPException(413, str(exc)) from None
        raise QueryError(str(exc), exc.field) from None
    except ExportError as exc:
        await run_in_threadpool(audit, request, principal, "load", source, params | {"refused": str(exc)})
        raise QueryError(f"{exc} — nothing of the export was written", "file") from None
    except MassRetire as exc:
        await run_in_threadpool(audit, request, principal, "load", source, params | {"refused": str(exc)})
        raise HTTPException(409, str(exc)) from None
    await run_in_threadpool(audit, request, principal, "load", record.source,
                            params | {"load_id": record.load_id, "rows": record.summary.get("rows"),
                                      "rejected": record.summary.get("rejected")})
    return LoadOut(**record.to_json())


def _flag(raw: object, field: str) -> bool:
    if raw is None or raw == "":
        return False
    if isinstance(raw, str) and raw.lower() in ("true", "1", "yes", "on", "false", "0", "no", "off"):
        return raw.lower() in ("true", "1", "yes", "on")
    raise QueryError(f"{field}: {str(raw)[:40]!r} is not true or false", field)


def _day(raw: object) -> dt.date | None:
    if raw is None or raw == "":
        return None
    if not isinstance(raw, str):
        raise QueryError("exported_on: a text field (YYYY-MM-DD), not a file", "exported_on")
    try:
        return clean_date(raw)
    except ValueError as exc:
        raise QueryError(f"exported_on: {exc}", "exported_on") from None


@router.get("", response_model=list[LoadOut], summary="The latest uploads, newest first")
def loads(request: Request, principal: Annotated[Principal, require("loads:write")],
          limit: Annotated[int, Query(ge=1, le=200)] = 50) -> list[LoadOut]:
    return [LoadOut(**r) for r in lib.list_loads(request.app.state.settings.data_dir, limit)]


@router.get("/{load_id}", response_model=LoadOut, summary="The summary of an upload")
def load(request: Request, load_id: LoadId, principal: Annotated[Principal, require("loads:write")]) -> LoadOut:
    return LoadOut(**lib.load_record(request.app.state.settings.data_dir, load_id))


@router.get("/{load_id}/rejects", summary="The rejection report of an upload (CSV)", response_class=FileResponse,
            responses={200: {"description": "file,line,column,value,reason — one line per rejected or flagged value",
                             "content": {"text/csv": {"schema": {"type": "string"}}}}})
def rejects(request: Request, load_id: LoadId, principal: Annotated[Principal, require("loads:write")]) -> FileResponse:
    audit(request, principal, "load.rejects", load_id)
    path = lib.rejects_path(request.app.state.settings.data_dir, load_id)
    return FileResponse(path, media_type="text/csv; charset=utf-8",
                        filename=f"debtgraph-load-{load_id}.rejects.csv")
