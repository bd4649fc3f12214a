"""The envelope of the JSON API: problem+json errors (RFC 9457) and the headers on every response.

Every 4xx/5xx carries `type`, `title`, `status`, `detail` and `instance`; invalid input (400) adds
`errors`: every problem at once, each `{"name": field path, "reason": Dutch message}`. Titles of
`about:blank` problems are the HTTP status phrases (RFC 9457 section 4.2.1); details are Dutch.
Every response, errors included, carries `API-Version` (NL API Design Rules, API-57).
"""

from __future__ import annotations

import json
import logging
from http import HTTPStatus
from typing import Any, Callable, Iterable, Optional

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from pydantic import BaseModel, Field
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.responses import Response

from .situations import _dutch

API_VERSION = "1.0.0"
PROBLEM_JSON = "application/problem+json"
INVALID_INPUT = "urn:advisor:problem:invalid-input"

log = logging.getLogger("advisor.api")


class InvalidParam(BaseModel):
    name: str = Field(description="Pad van het veld, bijvoorbeeld `goals.0` of `situations.3.phase`.")
    reason: str = Field(description="Wat er mis is, in het Nederlands.")


class Problem(BaseModel):
    """An RFC 9457 problem document."""

    type: str = Field(description="`about:blank` of een URI die het soort probleem aanduidt.")
    title: str
    status: int
    detail: str
    instance: Optional[str] = None
    errors: Optional[list[InvalidParam]] = Field(
        default=None, description="Alleen bij ongeldige invoer: alle problemen tegelijk.")


def phrase(status: int) -> str:
    try:
        return HTTPStatus(status).phrase
    except ValueError:
        return "Error"


class ApiProblem(Exception):
    """Raised anywhere in the API to answer with a problem document."""

    def __init__(self, status: int, detail: str, *, errors: Optional[list[tuple[str, str]]] = None,
                 type: str = "about:blank", title: Optional[str] = None, headers: Optional[dict] = None):
        super().__init__(detail)
        self.status, self.detail, self.errors, self.type = status, detail, errors, type
        self.title = title or phrase(status)
        self.headers = headers or {}


def invalid_input(errors: list[tuple[str, str]], detail: Optional[str] = None) -> ApiProblem:
    n = len(errors)
    return ApiProblem(400, detail or f"De invoer bevat {n} {'fout' if n == 1 else 'fouten'}; zie 'errors'.",
                      errors=errors, type=INVALID_INPUT, title="Ongeldige invoer")


def problem_response(request_path: str, problem: ApiProblem) -> Response:
    body: dict[str, Any] = {"type": problem.type, "title": problem.title, "status": problem.status,
                            "detail": problem.detail, "instance": request_path}
    if problem.errors is not None:
        body["errors"] = [{"name": name, "reason": reason} for name, reason in problem.errors]
    headers = {"API-Version": API_VERSION, **problem.headers}
    return Response(json.dumps(body, ensure_ascii=False), status_code=problem.status,
                    media_type=PROBLEM_JSON, headers=headers)


def dutch(error: dict) -> str:
    """A Dutch message for one pydantic error (the situation's vocabulary, plus what the API adds)."""
    kind = error["type"]
    if kind == "missing":
        return "is verplicht"
    if kind == "json_invalid":
        return "geen geldige JSON"
    if kind == "too_long":
        return f"te veel elementen: hoogstens {error.get('ctx', {}).get('max_length')}"
    if kind == "too_short":
        return f"te weinig elementen: minstens {error.get('ctx', {}).get('min_length')}"
    ctx = error.get("ctx")
    if ctx:  # 0.0 -> 0 in "moet minstens 0 zijn"
        ctx = {k: int(v) if isinstance(v, float) and v.is_integer() else v for k, v in ctx.items()}
        error = {**error, "ctx": ctx}
    return _dutch(error)


def pydantic_errors(errors: Iterable[dict], *, skip: int = 0, root: str = "body") -> list[tuple[str, str]]:
    """(field path, Dutch message) for each error; `skip` drops leading loc parts such as 'query'."""
    found = []
    for error in errors:
        loc = [str(part) for part in error["loc"][skip:]]
        found.append((".".join(loc) or root, dutch(error)))
    return found


_DETAILS = {
    404: "Hier is niets te vinden: {path} bestaat niet (let op: paden eindigen nooit op '/').",
    405: "De methode {method} is niet toegestaan op {path}.",
    413: "De body is te groot.",
    415: "Stuur de body als JSON met 'Content-Type: application/json'.",
}


def install(app: FastAPI, html_error: Optional[Callable[[Request, int, str], Response]] = None) -> None:
    """Register the handlers that turn every error into problem+json (and never a traceback).

    `html_error(request, status, detail)`, if given, answers HTTP errors outside /api/ (the web pages).
    """

    async def on_problem(request: Request, exc: ApiProblem) -> Response:
        return problem_response(request.url.path, exc)

    async def on_http(request: Request, exc: StarletteHTTPException) -> Response:
        template = _DETAILS.get(exc.status_code)
        if template:
            detail = template.format(path=request.url.path, method=request.method)
            if exc.status_code == 405 and exc.headers and exc.headers.get("Allow"):
                detail += f" Toegestaan: {exc.headers['Allow']}."
        elif isinstance(exc.detail, str) and exc.detail:
            detail = exc.detail
        else:
            detail = phrase(exc.status_code)
        if html_error is not None and not request.url.path.startswith("/api/"):
            return html_error(request, exc.status_code, detail)
        return problem_response(request.url.path, ApiProblem(exc.status_code, detail, headers=exc.headers))

    async def on_validation(request: Request, exc: RequestValidationError) -> Response:
        errors = exc.errors()
        if any(e["type"] == "json_invalid" for e in errors):
            return problem_response(request.url.path, invalid_input([("body", "geen geldige JSON")]))
        return problem_response(request.url.path, invalid_input(pydantic_errors(errors, skip=1)))

    async def on_crash(request: Request, exc: Exception) -> Response:
        log.exception("unhandled error on %s %s", request.method, request.url.path)
        return problem_response(request.url.path, ApiProblem(
            500, "Er ging aan onze kant iets mis; de fout is gelogd. Probeer het later opnieuw."))

    app.add_exception_handler(ApiProblem, on_problem)
    app.add_exception_handler(StarletteHTTPException, on_http)
    app.add_exception_handler(RequestValidationError, on_validation)
    app.add_exception_handler(Exception, on_crash)


def responses(*statuses: int) -> dict[int | str, dict]:
    """OpenAPI `responses` entries for problem documents."""
    described = {304: "Niet gewijzigd (If-None-Match kwam overeen met de ETag).",
                 400: "Ongeldige invoer: `errors` noemt elk probleem met het pad van het veld.",
                 404: "Onbekend id of pad.", 405: "Methode niet toegestaan.",
                 413: "Body groter dan de grens van deze operatie.",
                 415: "Content-Type is niet application/json.", 500: "Interne fout (zonder traceback)."}
    out: dict[int | str, dict] = {}
    for status in statuses:
        if status == 304:
            out[status] = {"description": described[status]}
            continue
        out[status] = {"description": described[status],
                       "content": {PROBLEM_JSON: {"schema": {"$ref": "#/components/schemas/Problem"}}}}
    return out


# ---------------------------------------------------------------- headers on every response

class ApiHeaders:
    """Pure ASGI middleware: `API-Version` on every response; the OpenAPI document is open to all origins;
    HEAD is answered as GET without the body (RFC 9110 section 9.3.2)."""

    def __init__(self, app, openapi_path: str):
        self.app, self.openapi_path = app, openapi_path
        self.version = (b"api-version", API_VERSION.encode())

    async def __call__(self, scope, receive, send) -> None:
        if scope["type"] != "http":
            return await self.app(scope, receive, send)
        open_cors = scope["path"] == self.openapi_path
        if open_cors and scope["method"] == "OPTIONS":
            await send({"type": "http.response.start", "status": 204, "headers": [
                self.version, (b"access-control-allow-origin", b"*"),
                (b"access-control-allow-methods", b"GET, HEAD, OPTIONS"),
                (b"access-control-allow-headers", b"*"), (b"access-control-max-age", b"86400")]})
            await send({"type": "http.response.body", "body": b""})
            return
        head = scope["method"] == "HEAD"
        if head:
            scope = {**scope, "method": "GET"}

        async def send_with_headers(message) -> None:
            if message["type"] == "http.response.start":
                headers = [h for h in message.get("headers", [])
                           if not (open_cors and h[0].lower() == b"access-control-allow-origin")
                           and h[0].lower() != b"api-version"]
                headers.append(self.version)
                if open_cors:
                    headers.append((b"access-control-allow-origin", b"*"))
                message = {**message, "headers": headers}
            elif head and message["type"] == "http.response.body":
                message = {**message, "body": b""}
            await send(message)

        await self.app(scope, receive, send_with_headers)
