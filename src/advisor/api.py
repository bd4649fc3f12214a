"""The JSON API (`/api/v1`): a thin shell over the Service; all reasoning stays in the engine.

Follows the NL API Design Rules: version in the path, OpenAPI 3 at /api/v1/openapi.json (CORS open
to all), problem+json errors (invalid input is 400), no trailing slashes (404, no redirect) and an
`API-Version` header on every response.

Limits (documented in the OpenAPI description): a POST /api/v1/advice body may be at most 64 KiB,
a POST /api/v1/advice/batch body at most 1 MiB (413 above that, checked on Content-Length and on the
bytes actually received); a batch holds at most 1,000 situations (400 above that, naming
`situations`). KB endpoints carry an ETag (kb_version + path + query) and `Cache-Control: public,
no-cache` (revalidate every time: a KB reload shows at once, and an unchanged KB costs a 304).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
import re
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any, Callable, Optional, Sequence

from fastapi import APIRouter, FastAPI, Query, Request
from fastapi.middleware.cors import CORSMiddleware
from fastapi.openapi.utils import get_openapi
from pydantic import BaseModel, ValidationError
from starlette.concurrency import run_in_threadpool
from starlette.middleware import Middleware
from starlette.responses import Response

from . import problems
from .articles import article_use, article_uses
from .advice import Advice
from .models import Situation
from .problems import API_VERSION, ApiHeaders, ApiProblem, invalid_input, pydantic_errors
from .engine import DEFAULT_CACHE_SIZE
from .schemas import (
    MAX_BATCH, ArticleList, ArticleOut, BatchAdvice, BatchRequest, Health, InstrumentList, InstrumentOut, Pong,
    QuestionnaireOut, RuleList, RuleOut, ThresholdList, article_out, article_summary, instrument_out, rule_out,
)
from .service import Service
from .web import error_page, web_router


PREFIX = "/api/v1"
OPENAPI_PATH = f"{PREFIX}/openapi.json"
ADVICE_BODY_LIMIT = 64 * 1024
BATCH_BODY_LIMIT = 1024 * 1024
KB_CACHE_CONTROL = "public, no-cache"
DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")

EXAMPLE_SITUATION = {"phase": "uitvoering", "goals": ["sr_monitoren"], "province": "groningen"}
EXAMPLE_TENDER = {"phase": "aanbesteding", "role": "inkoper", "themes": ["arbeidsparticipatie"],
                  "goals": ["inschrijvers_vergelijken"], "procedure": "europees",
                  "contract_value_eur": 450000, "contracting_authority": "decentraal",
                  "contract_type": "diensten", "reference_date": "2026-03-01"}


# ---------------------------------------------------------------- helpers

async def read_body(request: Request, limit: int) -> bytes:
    """The raw JSON body: 415 unless JSON, 413 above `limit` (declared or actually streamed)."""
    media = request.headers.get("content-type", "").split(";")[0].strip().lower()
    if media != "application/json" and not (media.startswith("application/") and media.endswith("+json")):
        raise ApiProblem(415, "Stuur de body als JSON met 'Content-Type: application/json'"
                              f"{f' (niet {media!r})' if media else ''}.")
    too_big = ApiProblem(413, f"De body is groter dan {limit} bytes ({limit // 1024} KiB), "
                              f"de grens voor {request.method} {request.url.path}.")
    declared = request.headers.get("content-length")
    if declared is not None and declared.isdigit() and int(declared) > limit:
        raise too_big
    body = bytearray()
    async for chunk in request.stream():
        body += chunk
        if len(body) > limit:
            raise too_big
    return bytes(body)


def validate_json(model: type[BaseModel], body: bytes, root: str) -> Any:
    """Strict JSON validation (the published schema, no coercion); every problem at once, in Dutch."""
    try:
        return model.model_validate_json(body, strict=True)
    except ValidationError as err:
        errors = err.errors()
        malformed = next((e for e in errors if e["type"] == "json_invalid"), None)
        if malformed is not None:
            found = re.search(r"(.*) at line (\d+) column (\d+)", str(malformed.get("ctx", {}).get("error", "")))
            where = f" (regel {found[2]}, kolom {found[3]}: {found[1]})" if found else ""
            raise invalid_input([("body", f"geen geldige JSON{where}")], "De body is geen geldige JSON.") from None
        raise invalid_input(pydantic_errors(errors, root=root)) from None


def etag_response(request: Request, version: str, variant: str, render: Callable[[], bytes]) -> Response:
    tag = '"' + hashlib.sha256(f"{version}|{request.url.path}|{variant}".encode()).hexdigest()[:20] + '"'
    headers = {"ETag": tag, "Cache-Control": KB_CACHE_CONTROL}
    wanted = request.headers.get("if-none-match")
    if wanted:
        tags = {t.strip().removeprefix("W/") for t in wanted.split(",")}
        if tag in tags or "*" in tags:
            return Response(status_code=304, headers=headers)
    return Response(render(), media_type="application/json", headers=headers)


def json_response(content: bytes | str, status: int = 200) -> Response:
    return Response(content, status_code=status, media_type="application/json",
                    headers={"Cache-Control": "no-store"})


def request_body(schema: str, examples: dict[str, dict]) -> dict:
    return {"requestBody": {"required": True, "content": {"application/json": {
        "schema": {"$ref": f"#/components/schemas/{schema}"},
        "examples": {name: {"summary": name.replace("_", " "), "value": value} for name, value in examples.items()},
    }}}}


class Rendered:
    """Serialized KB documents, rebuilt when the KB version changes (the KB is immutable per version)."""

    def __init__(self) -> None:
        self.version = ""
        self.items: dict[str, bytes] = {}

    def get(self, version: str, key: str, build: Callable[[], BaseModel | Any]) -> bytes:
        if version != self.version:
            self.version, self.items = version, {}
        if key not in self.items:
            value = build()
            self.items[key] = value.model_dump_json().encode() if isinstance(value, BaseModel) else value
        return self.items[key]


# ---------------------------------------------------------------- the router

def api_router(service: Service, *, advice_limit: int = ADVICE_BODY_LIMIT,
               batch_limit: int = BATCH_BODY_LIMIT) -> APIRouter:
    router = APIRouter(prefix=PREFIX, redirect_slashes=False)
    rendered = Rendered()
    cached = problems.responses(304, 400, 404, 405, 500)

    @router.get("/ping", response_model=Pong, tags=["status"], responses=problems.responses(405, 500),
                summary="No-op: bevestigt dat de API antwoordt (voor monitoring en de benchmark)")
    async def ping() -> Response:
        return json_response(b'{"pong":true}')

    @router.get("/health", response_model=Health, tags=["status"], responses=problems.responses(405, 500),
                summary="Status, kb_version, aantallen en de fouten van een mislukte herlaadpoging")
    async def health() -> Response:
        kb = service.advisor.kb
        return json_response(Health(status=service.status, kb_version=kb.version, counts=kb.counts(),
                                    errors=list(service.errors)).model_dump_json())

    def one(request: Request, kind: str, item_id: str, listing: str, render: Callable[[Any], Any]) -> Response:
        """One KB item by id (404 problem when unknown), rendered once per KB version, with an ETag."""
        kb = service.advisor.kb
        found = getattr(kb, kind)(item_id)
        if found is None:
            noun = {"instrument": "instrument", "rule": "regel", "article": "artikel"}[kind]
            raise ApiProblem(404, f"Er is geen {noun} met id '{item_id}'; zie {PREFIX}/{listing}.")
        return etag_response(request, kb.version, "", lambda: rendered.get(
            kb.version, f"{kind}:{found.id}", lambda: render(found)))

    @router.get("/instruments", response_model=InstrumentList, tags=["kennisbank"], responses=cached,
                summary="Alle instrumenten, met per veld de rapportpagina")
    async def instruments(request: Request) -> Response:
        kb = service.advisor.kb
        return etag_response(request, kb.version, "", lambda: rendered.get(kb.version, "instruments", lambda: (
            InstrumentList(kb_version=kb.version, instruments=[instrument_out(i) for i in kb.instruments]))))

    @router.get("/instruments/{instrument_id}", response_model=InstrumentOut, tags=["kennisbank"],
                responses=cached, summary="Eén instrument, met per veld de rapportpagina")
    async def instrument(request: Request, instrument_id: str) -> Response:
        return one(request, "instrument", instrument_id, "instruments", instrument_out)

    @router.get("/rules", response_model=RuleList, tags=["kennisbank"], responses=cached,
                summary="Alle regels met soort, voorwaarden, onderbouwing en bron")
    async def rules(request: Request) -> Response:
        kb = service.advisor.kb
        return etag_response(request, kb.version, "", lambda: rendered.get(kb.version, "rules", lambda: (
            RuleList(kb_version=kb.version, rules=[rule_out(kb, r) for r in kb.rules]))))

    @router.get("/rules/{rule_id}", response_model=RuleOut, tags=["kennisbank"], responses=cached,
                summary="Eén regel met soort, voorwaarden, onderbouwing en bron")
    async def rule(request: Request, rule_id: str) -> Response:
        return one(request, "rule", rule_id, "rules", lambda found: rule_out(service.advisor.kb, found))

    @router.get("/articles", response_model=ArticleList, tags=["kennisbank"], responses=cached,
                summary="Alle wetsartikelen die regels en drempels aanhalen, met de ids van die regels")
    async def articles(request: Request) -> Response:
        kb = service.advisor.kb
        return etag_response(request, kb.version, "", lambda: rendered.get(kb.version, "articles", lambda: (
            ArticleList(kb_version=kb.version, articles=[article_summary(u) for u in article_uses(kb)]))))

    @router.get("/articles/{article_id}", response_model=ArticleOut, tags=["kennisbank"], responses=cached,
                summary="Eén wetsartikel met elke regel die het aanhaalt (en haar instrumenten) en de drempels")
    async def article(request: Request, article_id: str) -> Response:
        return one(request, "article", article_id, "articles",
                   lambda found: article_out(article_use(service.advisor.kb, found.id)))

    @router.get("/questions", response_model=QuestionnaireOut, tags=["kennisbank"], responses=cached,
                summary="De vragenlijst (stappen en vragen), om een eigen formulier te tonen")
    async def questions(request: Request) -> Response:
        kb = service.advisor.kb
        return etag_response(request, kb.version, "", lambda: rendered.get(kb.version, "questions", lambda: (
            QuestionnaireOut(kb_version=kb.version, **dict(kb.questionnaire)))))

    @router.get("/thresholds", response_model=ThresholdList, tags=["kennisbank"], responses=cached,
                summary="De Europese drempelbedragen die op een datum gelden")
    async def thresholds(request: Request, date: str = Query(  # type: ignore[assignment]
            default=None, description="JJJJ-MM-DD; standaard vandaag.",
            json_schema_extra={"format": "date", "pattern": DATE.pattern, "examples": ["2026-03-01"]})) -> Response:
        day = dt.date.today()
        if date is not None:
            try:
                day = dt.date.fromisoformat(date) if DATE.match(date) else None
            except ValueError:
                day = None
            if day is None:
                raise invalid_input([("date", "moet een datum zijn (JJJJ-MM-DD)")])
        kb = service.advisor.kb
        return etag_response(request, kb.version, day.isoformat(), lambda: ThresholdList(
            date=day, kb_version=kb.version,
            thresholds=[t for t in kb.legal.thresholds if t.valid_from <= day <= t.valid_to],
        ).model_dump_json().encode())

    @router.post("/advice", response_model=Advice, tags=["advies"],
                 responses=problems.responses(400, 405, 413, 415, 500),
                 openapi_extra=request_body("Situation", {"uitvoering_groningen": EXAMPLE_SITUATION,
                                                          "europese_aanbesteding": EXAMPLE_TENDER}),
                 summary="Een situatie in, een gerangschikt en uitgelegd advies uit",
                 description=f"Body hoogstens {advice_limit // 1024} KiB. Elk veld is optioneel.")
    async def advice(request: Request) -> Response:
        situation = validate_json(Situation, await read_body(request, advice_limit), "situation")
        return json_response(service.advisor.advise_json(situation))

    @router.post("/advice/batch", response_model=BatchAdvice, tags=["advies"],
                 responses=problems.responses(400, 405, 413, 415, 500),
                 openapi_extra=request_body("BatchRequest", {"twee_situaties": {
                     "situations": [EXAMPLE_SITUATION, EXAMPLE_TENDER]}}),
                 summary=f"Tot {MAX_BATCH} situaties in, de adviezen in dezelfde volgorde uit",
                 description=f"Body hoogstens {batch_limit // 1024} KiB (anders 413), hoogstens {MAX_BATCH} "
                             "situaties (anders 400). Fouten noemen de index: `situations.3.phase`.")
    async def advice_batch(request: Request) -> Response:
        batch = validate_json(BatchRequest, await read_body(request, batch_limit), "body")
        advisor = service.advisor  # one KB for the whole batch, even if a reload happens meanwhile
        advices = await run_in_threadpool(lambda: [advisor.advise_json(s) for s in batch.situations])
        return json_response(f'{{"kb_version":"{advisor.kb.version}","advices":[' + ",".join(advices) + "]}")

    return router


# ---------------------------------------------------------------- the app

def create_app(root: Optional[Path] = None, *, service: Optional[Service] = None, cors_origins: Sequence[str] = (),
               watch: bool = False, max_body_bytes: int = ADVICE_BODY_LIMIT,
               max_batch_bytes: int = BATCH_BODY_LIMIT) -> FastAPI:
    service = service or Service(root)

    @asynccontextmanager
    async def lifespan(app: FastAPI):
        if watch:
            service.watch()
        yield
        if watch:
            service.stop()

    middleware = [Middleware(ApiHeaders, openapi_path=OPENAPI_PATH)]
    if cors_origins:
        middleware.append(Middleware(CORSMiddleware, allow_origins=list(cors_origins),
                                     allow_methods=["GET", "POST", "OPTIONS"],
                                     allow_headers=["Content-Type", "If-None-Match", "Accept"],
                                     expose_headers=["API-Version", "ETag"], max_age=3600))
    app = FastAPI(title="advisor API", version=API_VERSION, openapi_url=OPENAPI_PATH, docs_url=None,
                  redoc_url=None, redirect_slashes=False, middleware=middleware, lifespan=lifespan,
                  description=(__doc__ or "").split("\n\n", 1)[-1])
    app.state.service = service
    app.include_router(api_router(service, advice_limit=max_body_bytes, batch_limit=max_batch_bytes))
    _mount_docs(app)
    app.include_router(web_router(service))
    problems.install(app, error_page)
    app.openapi = lambda: _openapi(app)
    return app


def _mount_docs(app: FastAPI) -> None:
    """Interactive docs from the swagger-ui-bundle package: no CDN, so /docs works offline too."""
    import swagger_ui_bundle
    from fastapi.openapi.docs import get_swagger_ui_html
    from fastapi.staticfiles import StaticFiles

    app.mount("/docs-assets", StaticFiles(directory=swagger_ui_bundle.swagger_ui_path), name="docs-assets")

    @app.get("/docs", include_in_schema=False)
    async def docs() -> Response:
        return get_swagger_ui_html(openapi_url=OPENAPI_PATH, title="advisor API — documentatie",
                                   swagger_js_url="/docs-assets/swagger-ui-bundle.js",
                                   swagger_css_url="/docs-assets/swagger-ui.css",
                                   swagger_favicon_url="/docs-assets/favicon-32x32.png")


def _openapi(app: FastAPI) -> dict:
    if app.openapi_schema:
        return app.openapi_schema
    schema = get_openapi(title=app.title, version=app.version, openapi_version=app.openapi_version,
                         description=app.description, routes=app.routes)
    schema["paths"] = {path: item for path, item in schema.get("paths", {}).items() if path.startswith(PREFIX)}
    # Request bodies are read by hand (strict JSON, own limits), so their schemas are added here, in
    # validation mode; where a response already uses the name (serialization mode), as "<name>-Input".
    components = schema.setdefault("components", {}).setdefault("schemas", {})
    own: dict[str, dict] = {}
    for model in (problems.Problem, Situation, BatchRequest):
        definition = model.model_json_schema(ref_template="#/components/schemas/{model}")
        own.update(definition.pop("$defs", {}), **{model.__name__: definition})
    renamed = {name: f"{name}-Input" for name, d in own.items() if components.get(name, d) != d}
    text = json.dumps(own)
    for name, new in renamed.items():
        text = text.replace(f'"#/components/schemas/{name}"', f'"#/components/schemas/{new}"')
    components.update({renamed.get(name, name): d for name, d in json.loads(text).items()})
    for item in schema["paths"].values():
        for operation in item.values():
            operation.get("responses", {}).pop("422", None)  # invalid input is 400 here
            body = operation.get("requestBody", {}).get("content", {}).get("application/json", {})
            ref = body.get("schema", {}).get("$ref", "").rsplit("/", 1)[-1]
            if ref in renamed:
                body["schema"]["$ref"] = f"#/components/schemas/{renamed[ref]}"
    for unused in ("HTTPValidationError", "ValidationError"):
        if f'"#/components/schemas/{unused}"' not in json.dumps(schema):
            components.pop(unused, None)
    app.openapi_schema = schema
    return schema


def app_from_env() -> FastAPI:
    """uvicorn factory: `uvicorn --factory advisor.api:app_from_env`.

    ADVISOR_KB (KB folder), ADVISOR_CORS_ORIGINS (comma-separated origins), ADVISOR_WATCH=1 (reload on edits),
    ADVISOR_ADVICE_CACHE (advices kept for repeated situations; 0 turns the cache off).
    """
    origins = [o.strip() for o in os.environ.get("ADVISOR_CORS_ORIGINS", "").split(",") if o.strip()]
    root = os.environ.get("ADVISOR_KB")
    cache_size = int(os.environ.get("ADVISOR_ADVICE_CACHE", DEFAULT_CACHE_SIZE))
    service = Service(Path(root) if root else None, cache_size=cache_size)
    return create_app(service=service, cors_origins=origins,
                      watch=os.environ.get("ADVISOR_WATCH", "") in ("1", "true", "yes"))
