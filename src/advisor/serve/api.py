"""The JSON API (`/api/v1`): a thin shell over the Service; all reasoning stays in the engine.

Follows the NL API Design Rules: version in the path, OpenAPI 3 at /api/v1/openapi.json (CORS open
to all), problem+json errors (invalid input is 400), no trailing slashes (404, no redirect) and an
`API-Version` header on every response.

Limits (documented in the OpenAPI description): a POST /api/v1/advice body may be at most 64 KiB,
a POST /api/v1/advice/batch body at most 1 MiB (413 above that, checked on Content-Length and on the
bytes actually received); a batch holds at most 1,000 situations (400 above that, naming
`situations`); at most a few batches are worked on at once per process (503 with `Retry-After`
when more wait too long). A batch answers per situation: an advice or a problem, with its index (one bad
situation does not sink the others). Invalid input lists at most 50 problems (`more_errors` counts the
rest); a key given twice in a JSON object is an error; checking costs what the reported problems cost, not
what the body holds (a list field holds at most 100 elements; validation.py). Validating and advising a
batch, or an advice body above 4 KiB, run in a worker thread, never on the event loop.
`POST /api/v1/advice/compact` (and `/advice/batch/compact`) gives the compact view of an advice (ranking,
reasons and caveats, without trace, fit, next steps and why-not: typically 1-3 KB instead of 20-90 KB), as
an operation of its own so that no response is a union of shapes.
KB endpoints carry an ETag (kb_version + path + query) and `Cache-Control: public,
no-cache` (revalidate every time: a KB reload shows at once, and an unchanged KB costs a 304).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import re
import threading
import time
from collections.abc import Callable
from typing import Any, Optional

import anyio
from fastapi import APIRouter, Query, Request
from pydantic import BaseModel, ValidationError
from starlette.concurrency import run_in_threadpool
from starlette.responses import Response

from ..engine.advice import Advice
from ..engine.compact import CompactAdvice
from ..kb.articles import ArticleUse, article_use, article_uses
from ..kb.errors import MAX_ERRORS
from ..kb.kbtypes import KB
from ..kb.models import Situation
from . import problems
from .deps import ServiceDep
from .openapi import body_schema
from .problems import ApiProblem, invalid_input, pydantic_errors
from .schemas import (
    MAX_BATCH,
    ArticleList,
    ArticleOut,
    BatchAdvice,
    BatchEnvelope,
    BatchRequest,
    CompactBatchAdvice,
    Health,
    InstrumentList,
    InstrumentOut,
    Pong,
    QuestionnaireOut,
    RuleList,
    RuleOut,
    ThresholdList,
    article_out,
    article_summary,
    instrument_out,
    rule_out,
)
from .service import Service
from .settings import BATCH_CONCURRENCY, BATCH_WAIT
from .validation import parse_json, validate_item, validate_situation

PREFIX = "/api/v1"
OPENAPI_PATH = f"{PREFIX}/openapi.json"
ADVICE_BODY_LIMIT = 64 * 1024
BATCH_BODY_LIMIT = 1024 * 1024
KB_CACHE_CONTROL = "public, no-cache"
DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
RETRY_AFTER = 2            # seconds, in the 503's Retry-After
# A single advice with a body up to this size is validated and advised on the event loop: its work is
# bounded (a cold advice 1-2 ms; 4 KiB of invalid keys under 1.3 ms with 50 problems described), and
# the hop to a worker thread cost a third of the requests/s (benchmarks/api_bench.py, warm cache: 4,950
# -> 3,240 req/s). Larger bodies (up to 64 KiB) and every batch run in a worker thread.
INLINE_BODY = 4 * 1024

# Models the API reads (or answers) without FastAPI knowing them: published in the OpenAPI by openapi.document.
REQUEST_MODELS = (Situation, BatchRequest)
RESPONSE_MODELS = (problems.Problem,)

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


def _article_use(kb: KB, article_id: str) -> ArticleUse:
    """The uses of an article the KB has (article_use gives None only for an unknown id)."""
    use = article_use(kb, article_id)
    if use is None:
        raise LookupError(f"no article '{article_id}' in this KB")
    return use


def validate_json(body: bytes) -> Situation:
    """Strict JSON validation of one situation whose cost is bounded by what it reports
    (validation.validate_situation): the first MAX_ERRORS problems in Dutch, the rest counted. Call a large
    body from a worker thread."""
    return validate_situation(body, "situation")


class BatchGate:
    """At most `limit` batches worked on at once; a further one waits up to `wait` seconds for a slot.

    Thread-safe and not bound to an event loop (a counter under a lock, polled while waiting)."""

    def __init__(self, limit: int = BATCH_CONCURRENCY, wait: float = BATCH_WAIT):
        if limit < 1:
            raise ValueError("batch concurrency must be at least 1")
        self.limit, self.wait = limit, wait
        self.active = 0
        self._lock = threading.Lock()

    def try_enter(self) -> bool:
        with self._lock:
            if self.active < self.limit:
                self.active += 1
                return True
            return False

    def leave(self) -> None:
        with self._lock:
            self.active -= 1

    async def enter(self) -> bool:
        deadline = time.monotonic() + self.wait
        while not self.try_enter():
            left = deadline - time.monotonic()
            if left <= 0:
                return False
            await anyio.sleep(min(0.05, left))
        return True


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


def item_problem(problem: ApiProblem, instance: str) -> str:
    """The problem document of one situation of a batch, as JSON (the shape of problems.Problem)."""
    body: dict[str, Any] = {"type": problem.type, "title": problem.title, "status": problem.status,
                            "detail": problem.detail, "instance": f"#/{instance.replace('.', '/')}",
                            "errors": [{"name": name, "reason": reason} for name, reason in problem.errors or []]}
    if problem.more_errors:
        body["more_errors"] = problem.more_errors
    return json.dumps(body, ensure_ascii=False)


# ---------------------------------------------------------------- the router

# operationId = the handler's name ('advice', 'advice_batch'): what a generated client calls its functions
router = APIRouter(prefix=PREFIX, redirect_slashes=False, generate_unique_id_function=lambda route: route.name)
rendered = Rendered()   # KB documents rendered once per kb_version (part of each key), shared by every app
cached = problems.responses(304, 400, 404, 405, 500)


@router.get("/ping", response_model=Pong, tags=["status"], responses=problems.responses(405, 500),
            summary="No-op: bevestigt dat de API antwoordt (voor monitoring en de benchmark)")
async def ping() -> Response:
    return json_response(b'{"pong":true}')


@router.get("/health", response_model=Health, tags=["status"], responses=problems.responses(405, 500),
            summary="Status, kb_version, aantallen, de fouten van een mislukte herlaadpoging en de bewaker",
            description="`status` is `degraded` als een herlaadpoging mislukte of niet werd overgenomen, of "
                        "als de bestandsbewaker (`--watch`) niet meer loopt; de API blijft dan de laatste "
                        "goede kennisbank gebruiken. Voor een load balancer: `/api/v1/ping` zegt of het proces "
                        "antwoordt, `/api/v1/health` of de kennisbank is zoals bedoeld.")
async def health(service: ServiceDep) -> Response:
    kb = service.advisor.kb
    return json_response(Health(status=service.status, kb_version=kb.version, counts=kb.counts(),
                                errors=list(service.errors), warnings=service.notes(),
                                watching=service.watching, watcher_alive=service.watcher_alive
                                ).model_dump_json())


def one(request: Request, service: Service, kind: str, item_id: str, listing: str,
        render: Callable[[Any], Any]) -> Response:
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
async def instruments(request: Request, service: ServiceDep) -> Response:
    kb = service.advisor.kb
    return etag_response(request, kb.version, "", lambda: rendered.get(kb.version, "instruments", lambda: (
        InstrumentList(kb_version=kb.version, instruments=[instrument_out(i) for i in kb.instruments]))))


@router.get("/instruments/{instrument_id}", response_model=InstrumentOut, tags=["kennisbank"],
            responses=cached, summary="Eén instrument, met per veld de rapportpagina")
async def instrument(request: Request, service: ServiceDep, instrument_id: str) -> Response:
    return one(request, service, "instrument", instrument_id, "instruments", instrument_out)


@router.get("/rules", response_model=RuleList, tags=["kennisbank"], responses=cached,
            summary="Alle regels met soort, voorwaarden, onderbouwing en bron")
async def rules(request: Request, service: ServiceDep) -> Response:
    kb = service.advisor.kb
    return etag_response(request, kb.version, "", lambda: rendered.get(kb.version, "rules", lambda: (
        RuleList(kb_version=kb.version, rules=[rule_out(kb, r) for r in kb.rules]))))


@router.get("/rules/{rule_id}", response_model=RuleOut, tags=["kennisbank"], responses=cached,
            summary="Eén regel met soort, voorwaarden, onderbouwing en bron")
async def rule(request: Request, service: ServiceDep, rule_id: str) -> Response:
    return one(request, service, "rule", rule_id, "rules", lambda found: rule_out(service.advisor.kb, found))


@router.get("/articles", response_model=ArticleList, tags=["kennisbank"], responses=cached,
            summary="Alle wetsartikelen die regels en drempels aanhalen, met de ids van die regels")
async def articles(request: Request, service: ServiceDep) -> Response:
    kb = service.advisor.kb
    return etag_response(request, kb.version, "", lambda: rendered.get(kb.version, "articles", lambda: (
        ArticleList(kb_version=kb.version, articles=[article_summary(u) for u in article_uses(kb)]))))


@router.get("/articles/{article_id}", response_model=ArticleOut, tags=["kennisbank"], responses=cached,
            summary="Eén wetsartikel met elke regel die het aanhaalt (en haar instrumenten) en de drempels")
async def article(request: Request, service: ServiceDep, article_id: str) -> Response:
    return one(request, service, "article", article_id, "articles",
               lambda found: article_out(_article_use(service.advisor.kb, found.id)))


@router.get("/questions", response_model=QuestionnaireOut, tags=["kennisbank"], responses=cached,
            summary="De vragenlijst (stappen en vragen), om een eigen formulier te tonen")
async def questions(request: Request, service: ServiceDep) -> Response:
    kb = service.advisor.kb
    return etag_response(request, kb.version, "", lambda: rendered.get(kb.version, "questions", lambda: (
        QuestionnaireOut(kb_version=kb.version, **dict(kb.questionnaire)))))


@router.get("/thresholds", response_model=ThresholdList, tags=["kennisbank"], responses=cached,
            summary="De Europese drempelbedragen die op een datum gelden")
async def thresholds(request: Request, service: ServiceDep, date: str = Query(
        default=None, description="JJJJ-MM-DD; standaard vandaag.",
        json_schema_extra={"format": "date", "pattern": DATE.pattern, "examples": ["2026-03-01"]})) -> Response:
    day = dt.date.today()
    if date is not None:
        parsed: Optional[dt.date]
        try:
            parsed = dt.date.fromisoformat(date) if DATE.match(date) else None
        except ValueError:
            parsed = None
        if parsed is None:
            raise invalid_input([("date", "moet een datum zijn (JJJJ-MM-DD)")])
        day = parsed
    kb = service.advisor.kb
    return etag_response(request, kb.version, day.isoformat(), lambda: ThresholdList(
        date=day, kb_version=kb.version,
        thresholds=[t for t in kb.legal.thresholds if t.valid_from <= day <= t.valid_to],
    ).model_dump_json().encode())


def one_advice(service: Service, body: bytes, compact: bool) -> str:
    situation = validate_json(body)
    advisor = service.advisor
    return advisor.compact_json(situation) if compact else advisor.advise_json(situation)


async def answer_one(request: Request, service: Service, compact: bool) -> Response:
    body = await read_body(request, ADVICE_BODY_LIMIT)
    if len(body) <= INLINE_BODY:   # bounded: at most ~1 ms, less than the hop to a worker thread
        return json_response(one_advice(service, body, compact))
    return json_response(await run_in_threadpool(one_advice, service, body, compact))


advice_body = body_schema(Situation, {"uitvoering_groningen": EXAMPLE_SITUATION,
                                      "europese_aanbesteding": EXAMPLE_TENDER})


@router.post("/advice", response_model=Advice, tags=["advies"],
             responses=problems.responses(400, 405, 413, 415, 500), openapi_extra=advice_body,
             summary="Een situatie in, een gerangschikt en uitgelegd advies uit",
             description=f"Body hoogstens {ADVICE_BODY_LIMIT // 1024} KiB. Elk veld is optioneel; een getal is een "
                         "JSON-getal en ja/nee een boolean (tekst wordt nooit omgezet). De compacte weergave: "
                         f"`POST {PREFIX}/advice/compact`.")
async def advice(request: Request, service: ServiceDep) -> Response:
    return await answer_one(request, service, compact=False)


@router.post("/advice/compact", response_model=CompactAdvice, tags=["advies"],
             responses=problems.responses(400, 405, 413, 415, 500), openapi_extra=advice_body,
             summary="Een situatie in, de compacte weergave van het advies uit",
             description=f"Als `POST {PREFIX}/advice`, maar het antwoord is een `CompactAdvice`: per aanbevolen "
                         "instrument rang, score, gediende doelen, redenen en kanttekeningen, plus onvervulde "
                         "doelen en algemene kanttekeningen (meestal 1-3 KB in plaats van 20-90 KB).")
async def advice_compact(request: Request, service: ServiceDep) -> Response:
    return await answer_one(request, service, compact=True)


def many_advices(service: Service, body: bytes, compact: bool) -> str:
    data, twice = parse_json(body)
    inside = re.compile(r"situations\.\d+(\.|$)")
    envelope = [(path, message) for path, message in twice if not inside.match(path)]
    try:
        checked = BatchEnvelope.model_validate(data, strict=True)
    except ValidationError as err:
        errors, more = pydantic_errors(err.errors(include_url=False), root="body", known=envelope)
        raise invalid_input(errors, more=more) from None
    if envelope:
        raise invalid_input(envelope)
    advisor = service.advisor  # one KB for the whole batch, even if a reload happens meanwhile
    parts, failed, described = [], 0, 0
    for index, item in enumerate(checked.situations):
        where = f"situations.{index}"
        situation: Optional[Situation] = None
        if isinstance(item, dict):   # checked on its own, at a cost bounded by what is reported
            known = [(path, message) for path, message in twice if path.startswith(where + ".")]
            situation, errors, more = validate_item(item, where + ".", known, MAX_ERRORS - described)
        else:
            errors, more = [(where, "moet een object met de velden van een situatie zijn")], 0
        if situation is None:
            failed += 1
            described += len(errors) if described < MAX_ERRORS else 0
            count = len(errors) + more
            found = invalid_input(errors, f"Situatie {index} bevat {count} {'fout' if count == 1 else 'fouten'}; "
                                          "zie 'errors'.", more=more)
            parts.append(f'{{"index":{index},"problem":{item_problem(found, where)}}}')
            continue
        made = advisor.compact_json(situation) if compact else advisor.advise_json(situation)
        parts.append(f'{{"index":{index},"advice":{made}}}')
    return f'{{"kb_version":"{advisor.kb.version}","failed":{failed},"results":[' + ",".join(parts) + "]}"


async def answer_many(request: Request, service: Service, compact: bool) -> Response:
    body = await read_body(request, BATCH_BODY_LIMIT)
    gate: BatchGate = request.app.state.batch_gate
    if not await gate.enter():
        raise ApiProblem(503, f"Er worden al {gate.limit} batches tegelijk verwerkt; probeer het over "
                              f"{RETRY_AFTER} seconden opnieuw.", headers={"Retry-After": str(RETRY_AFTER)})
    try:
        return json_response(await run_in_threadpool(many_advices, service, body, compact))
    finally:
        gate.leave()


batch_body = body_schema(BatchRequest, {"twee_situaties": {"situations": [EXAMPLE_SITUATION, EXAMPLE_TENDER]}})
batch_rule = (f"Body hoogstens {BATCH_BODY_LIMIT // 1024} KiB (anders 413), hoogstens {MAX_BATCH} situaties (anders "
              "400). Elke situatie wordt op zich gelezen: het antwoord (200) geeft per situatie, met haar "
              "`index`, een `advice` of een `problem` (status 400, paden als `situations.3.phase`; de eerste "
              f"{MAX_ERRORS} fouten van de batch worden beschreven, van elke latere slechte situatie de eerste, "
              "de rest geteld in `more_errors`), en in "
              "`failed` hoeveel er niet te lezen waren; zo werkt ook `advisor batch`. Alleen een body die als "
              f"geheel niet klopt (geen JSON, geen lijst `situations`, te veel situaties) is een 400. Hoogstens "
              f"ADVISOR_BATCH_CONCURRENCY (standaard {BATCH_CONCURRENCY}) batches tegelijk per proces; wie langer dan "
              f"ADVISOR_BATCH_WAIT (standaard {BATCH_WAIT:g}) seconden op een plek wacht, "
              "krijgt 503 met `Retry-After`.")


@router.post("/advice/batch", response_model=BatchAdvice, tags=["advies"],
             responses=problems.responses(400, 405, 413, 415, 500, 503), openapi_extra=batch_body,
             summary=f"Tot {MAX_BATCH} situaties in, per situatie een advies of een probleem uit",
             description=batch_rule)
async def advice_batch(request: Request, service: ServiceDep) -> Response:
    return await answer_many(request, service, compact=False)


@router.post("/advice/batch/compact", response_model=CompactBatchAdvice, tags=["advies"],
             responses=problems.responses(400, 405, 413, 415, 500, 503), openapi_extra=batch_body,
             summary=f"Tot {MAX_BATCH} situaties in, per situatie een compact advies of een probleem uit",
             description=batch_rule + " Elk advies is een `CompactAdvice`.")
async def advice_batch_compact(request: Request, service: ServiceDep) -> Response:
    return await answer_many(request, service, compact=True)
