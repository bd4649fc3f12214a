"""The one place that assembles the server: the JSON API router, the web pages, the docs, the error
handlers and the middleware. It holds no logic of its own; the shells (`api`, `web`) never import each
other, they meet here.

    uvicorn --factory advisor.serve.app:app_from_env        # what `advisor serve` runs
"""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Optional

from fastapi import FastAPI
from fastapi.middleware.cors import CORSMiddleware
from starlette.middleware import Middleware
from starlette.responses import Response

from ..kb.errors import KnowledgeBaseError
from . import api, apidocs, openapi, problems, web
from .problems import API_VERSION, ApiHeaders
from .service import Service
from .settings import Settings, SettingsError, load_settings

log = logging.getLogger("advisor.api")


def create_app(settings: Optional[Settings] = None, *, service: Optional[Service] = None) -> FastAPI:
    """The whole app, configured by `settings` (the `ADVISOR_*` environment when None). `service`: the running
    Advisor to serve (default: one on `settings.kb`). The routers of `api` and `web` are module-level; they
    find the service and the settings on `app.state` (deps.py)."""
    settings = settings if settings is not None else load_settings()
    service = service or Service(settings.kb, cache_size=settings.advice_cache, quiet=settings.reload_quiet,
                                 cache_mb=settings.advice_cache_mb)

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        if settings.watch:
            service.watch()
        yield
        if settings.watch:
            service.stop()

    middleware = [Middleware(ApiHeaders, openapi_path=api.OPENAPI_PATH)]
    if settings.cors_origins:
        middleware.append(Middleware(CORSMiddleware, allow_origins=list(settings.cors_origins),
                                     allow_methods=["GET", "POST", "OPTIONS"],
                                     allow_headers=["Content-Type", "If-None-Match", "Accept"],
                                     expose_headers=["API-Version", "ETag"], max_age=3600))
    app = FastAPI(title="advisor API", version=API_VERSION, openapi_url=api.OPENAPI_PATH, docs_url=None,
                  redoc_url=None, redirect_slashes=False, middleware=middleware, lifespan=lifespan,
                  description=(api.__doc__ or "").split("\n\n", 1)[-1])
    app.state.service = service
    app.state.settings = settings
    app.state.batch_gate = api.BatchGate(settings.batch_concurrency, settings.batch_wait)
    app.include_router(api.router)
    _mount_docs(app)
    app.include_router(web.router)
    problems.install(app, web.error_page)

    def schema() -> dict:
        if not app.openapi_schema:
            app.openapi_schema = openapi.document(
                app, api.PREFIX, api.REQUEST_MODELS, api.RESPONSE_MODELS,
                describe=lambda doc: apidocs.describe(doc, service.advisor.kb))
        return app.openapi_schema

    app.openapi = schema  # type: ignore[method-assign]
    return app


def _mount_docs(app: FastAPI) -> None:
    """Interactive docs from the swagger-ui-bundle package: no CDN, so /docs works offline too."""
    import swagger_ui_bundle
    from fastapi.openapi.docs import get_swagger_ui_html
    from fastapi.staticfiles import StaticFiles

    app.mount("/docs-assets", StaticFiles(directory=swagger_ui_bundle.swagger_ui_path), name="docs-assets")

    @app.get("/docs", include_in_schema=False)
    async def docs() -> Response:
        return get_swagger_ui_html(openapi_url=api.OPENAPI_PATH, title="advisor API — documentatie",
                                   swagger_js_url="/docs-assets/swagger-ui-bundle.js",
                                   swagger_css_url="/docs-assets/swagger-ui.css",
                                   swagger_favicon_url="/docs-assets/favicon-32x32.png")


def configure_logging() -> None:
    """Let the 'advisor' loggers speak at INFO (KB reloads, dropped clients): uvicorn configures only its
    own loggers, so they would inherit the root's WARNING and go unseen. A handler on stderr, in uvicorn's
    style, is added only when no handler would receive them; an explicit level is kept."""
    logger = logging.getLogger("advisor")
    if logger.level == logging.NOTSET:
        logger.setLevel(logging.INFO)
    if not logger.hasHandlers():
        handler = logging.StreamHandler()
        handler.setFormatter(_UvicornStyle("%(prefix)s %(name)s: %(message)s"))
        logger.addHandler(handler)


class _UvicornStyle(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        record.prefix = f"{record.levelname}:".ljust(9)   # 'INFO:    ', as uvicorn writes its own lines
        return super().format(record)


def app_from_env() -> FastAPI:
    """uvicorn factory: `uvicorn --factory advisor.serve.app:app_from_env`, configured by the `ADVISOR_*`
    environment (settings.Settings). A bad setting or a broken KB stops it with one logged line (exit 1)."""
    configure_logging()
    try:
        return create_app(load_settings())
    except SettingsError as err:
        log.error("cannot start: %s", err)
        raise SystemExit(1) from None
    except KnowledgeBaseError as err:   # e.g. a worker restarted (SIGHUP) on a broken KB: no traceback
        log.error("cannot start: %s\n%s", err.headline, "\n".join(err.lines()))
        raise SystemExit(1) from None
