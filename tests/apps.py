"""An app with only the web pages: the module-level router of advisor.serve.web, given a service (or a stand-in
with `.advisor`) and settings on app.state, as create_app gives them."""

from __future__ import annotations

from typing import Any, Optional

from fastapi import FastAPI

from advisor.serve import web
from advisor.serve.settings import Settings


def web_only(service: Any, settings: Optional[Settings] = None) -> FastAPI:
    app = FastAPI()
    app.state.service = service
    app.state.settings = settings or Settings()
    app.include_router(web.router)   # the router mounts /static itself
    return app
