"""The envelope of the JSON API: problem+json errors (RFC 9457) and the headers on every response.

Every 4xx/5xx carries `type`, `title`, `status`, `detail` and `instance`; invalid input (400) adds
`errors`: every problem at once, each `{"name": field path, "reason": Dutch message}`, up to 50 of
them (MAX_ERRORS); `more_errors` then counts the rest. Titles of `about:blank` problems are the HTTP
status phrases (RFC 9457 section 4.2.1); details are Dutch. Every response, errors included, carries
`API-Version` (NL API Design Rules, API-57) and `X-Content-Type-Options: nosniff`.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Callable, Iterable, Mapping
from http import HTTPStatus
from typing import Any, Optional

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from pydantic import BaseModel, Field
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.requests import ClientDisconnect
from starlette.responses import Response
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from ..kb.errors import MAX_ERRORS
from ..kb.situations import described, dutch_message

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
        default=None, description=f"Alleen bij ongeldige invoer: alle problemen tegelijk, hoogstens {MAX_ERRORS}.")
    more_errors: Optional[int] = Field(
        default=None, description=f"Alleen als de invoer meer dan {MAX_ERRORS} problemen bevat: hoeveel er niet "
                                  "in `errors` staan (ze worden alleen geteld, zodat ongeldige invoer weinig kost).")


def phrase(status: int) -> str:
    try:
        return HTTPStatus(status).phrase
    except ValueError:
        return "Error"


class ApiProblem(Exception):
    """Raised anywhere in the API to answer with a problem document."""

    def __init__(self, status: int, detail: str, *, errors: Optional[list[tuple[str, str]]] = None,
                 type: str = "about:blank", title: Optional[str] = None, headers: Optional[Mapping[str, str]] = None,
                 more_errors: int = 0):
        super().__init__(detail)
        self.status, self.detail, self.errors, self.type = status, detail, errors, type
        self.more_errors = more_errors
        self.title = title or phrase(status)
        self.headers: Mapping[str, str] = headers or {}


def invalid_input(errors: list[tuple[str, str]], detail: Optional[str] = None, more: int = 0) -> ApiProblem:
    n = len(errors) + more
    if detail is None and more:
        detail = (f"De invoer bevat {n} fouten; de eerste {len(errors)} staan in 'errors', "
                  f"de overige {more} zijn alleen geteld ('more_errors').")
    return ApiProblem(400, detail or f"De invoer bevat {n} {'fout' if n == 1 else 'fouten'}; zie 'errors'.",
                      errors=errors, type=INVALID_INPUT, title="Ongeldige invoer", more_errors=more)


def problem_response(request_path: str, problem: ApiProblem) -> Response:
    body: dict[str, Any] = {"type": problem.type, "title": problem.title, "status": problem.status,
                            "detail": problem.detail, "instance": request_path}
    if problem.errors is not None:
        body["errors"] = [{"name": name, "reason": reason} for name, reason in problem.errors]
    if problem.more_errors:
        body["more_errors"] = problem.more_errors
    # set here, not only by ApiHeaders: a 500 is sent by starlette's outermost middleware, around it;
    # and an error (which may echo the user's input) is never worth storing
    headers = {"API-Version": API_VERSION, "X-Content-Type-Options": "nosniff", "Cache-Control": "no-store",
               **problem.headers}
    return Response(json.dumps(body, ensure_ascii=False), status_code=problem.status,
                    media_type=PROBLEM_JSON, headers=headers)


def dutch(error: Mapping[str, Any]) -> str:
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
    return dutch_message(error)


def pydantic_errors(errors: Iterable[Mapping[str, Any]], *, skip: int = 0, root: str = "body",
                    known: Optional[list[tuple[str, str]]] = None) -> tuple[list[tuple[str, str]], int]:
    """(field path, Dutch message) for the first MAX_ERRORS errors (after the `known` ones), and the number
    left out; `skip` drops leading loc parts such as 'query'."""
    return described(errors, root=root, skip=skip, dutch=dutch, known=known)


_DETAILS = {
    404: "Hier is niets te vinden: {path} bestaat niet (let op: paden eindigen nooit op '/').",
    405: "De methode {method} is niet toegestaan op {path}.",
    413: "De body is te groot.",
    415: "Stuur de body als JSON met 'Content-Type: application/json'.",
}


def wants_json(path: str) -> bool:
    """The API and the JSON twins of the pages (`/advies.json`) answer errors as problem+json."""
    return path.startswith("/api/") or path.endswith(".json")


def install(app: FastAPI, html_error: Optional[Callable[[Request, int, str], Response]] = None) -> None:
    """Register the handlers that turn every error into problem+json (and never a traceback).

    `html_error(request, status, detail)`, if given, answers HTTP errors of the HTML pages (not the API,
    not a `.json` twin).
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
        if html_error is not None and not wants_json(request.url.path):
            return html_error(request, exc.status_code, detail)
        return problem_response(request.url.path, ApiProblem(exc.status_code, detail, headers=exc.headers))

    async def on_validation(request: Request, exc: RequestValidationError) -> Response:
        errors = exc.errors()
        if any(e["type"] == "json_invalid" for e in errors):
            return problem_response(request.url.path, invalid_input([("body", "geen geldige JSON")]))
        found, more = pydantic_errors(errors, skip=1)
        return problem_response(request.url.path, invalid_input(found, more=more))

    async def on_disconnect(request: Request, exc: ClientDisconnect) -> Response:
        # The client went away mid-upload: a normal event on the internet, not a crash of ours. Nobody
        # reads the answer; an empty 400 keeps the server from logging it as a 500.
        log.info("client disconnected during %s %s; request dropped", request.method, request.url.path)
        return Response(status_code=400, headers={"API-Version": API_VERSION})

    async def on_crash(request: Request, exc: Exception) -> Response:
        log.exception("unhandled error on %s %s", request.method, request.url.path)
        return problem_response(request.url.path, ApiProblem(
            500, "Er ging aan onze kant iets mis; de fout is gelogd. Probeer het later opnieuw."))

    # starlette's stub types a handler as taking any Exception, not the class it is registered for
    app.add_exception_handler(ApiProblem, on_problem)  # type: ignore[arg-type]
    app.add_exception_handler(StarletteHTTPException, on_http)  # type: ignore[arg-type]
    app.add_exception_handler(RequestValidationError, on_validation)  # type: ignore[arg-type]
    app.add_exception_handler(ClientDisconnect, on_disconnect)  # type: ignore[arg-type]
    app.add_exception_handler(Exception, on_crash)


def responses(*statuses: int) -> dict[int | str, dict]:
    """OpenAPI `responses` entries for problem documents."""
    described = {304: "Niet gewijzigd (If-None-Match kwam overeen met de ETag).",
                 400: "Ongeldige invoer: `errors` noemt elk probleem met het pad van het veld.",
                 404: "Onbekend id of pad.", 405: "Methode niet toegestaan.",
                 413: "Body groter dan de grens van deze operatie.",
                 415: "Content-Type is niet application/json.", 500: "Interne fout (zonder traceback).",
                 503: "Te veel gelijktijdige batches: probeer het opnieuw na `Retry-After` seconden."}
    out: dict[int | str, dict] = {}
    for status in statuses:
        if status == 304:
            out[status] = {"description": described[status]}
            continue
        out[status] = {"description": described[status],
                       "content": {PROBLEM_JSON: {"schema": {"$ref": "#/components/schemas/Problem"}}}}
    return out


# ---------------------------------------------------------------- headers on every response

NOSNIFF = (b"x-content-type-options", b"nosniff")
# Swagger UI runs inline scripts, so /docs gets no script policy, only: never inside a frame.
NO_FRAMES = [(b"content-security-policy", b"frame-ancestors 'none'"), (b"x-frame-options", b"DENY")]


class ApiHeaders:
    """Pure ASGI middleware: `API-Version` and `X-Content-Type-Options: nosniff` on every response (API,
    pages, documents, /static, /docs); `/docs` may not be framed; the OpenAPI document is open to all
    origins; HEAD is answered as GET without the body (RFC 9110 section 9.3.2)."""

    def __init__(self, app: ASGIApp, openapi_path: str, unframed: tuple[str, ...] = ("/docs",)):
        self.app, self.openapi_path, self.unframed = app, openapi_path, unframed
        self.version = (b"api-version", API_VERSION.encode())

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
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
        unframed = scope["path"] in self.unframed

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = [h for h in message.get("headers", [])
                           if not (open_cors and h[0].lower() == b"access-control-allow-origin")
                           and h[0].lower() not in (b"api-version", b"x-content-type-options")]
                headers += [self.version, NOSNIFF]
                if unframed:
                    named = {name for name, _ in NO_FRAMES}
                    headers = [h for h in headers if h[0].lower() not in named] + NO_FRAMES
                if open_cors:
                    headers.append((b"access-control-allow-origin", b"*"))
                message = {**message, "headers": headers}
            elif head and message["type"] == "http.response.body":
                message = {**message, "body": b""}
            await send(message)

        await self.app(scope, receive, send_with_headers)
