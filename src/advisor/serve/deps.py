"""What a request handler is given: the running service and the server's settings, from the app that
`app.create_app` assembled (app.state). The routers of `api` and `web` are module-level and take these
through `Depends`, so neither holds state of its own and a test can mount them on any app that sets them."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Request

from .service import Service
from .settings import Settings


def get_service(request: Request) -> Service:
    return request.app.state.service


def get_settings(request: Request) -> Settings:
    return request.app.state.settings


ServiceDep = Annotated[Service, Depends(get_service)]
SettingsDep = Annotated[Settings, Depends(get_settings)]
