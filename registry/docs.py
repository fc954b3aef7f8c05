"""The interactive API reference at ``/docs`` (Swagger UI) and ``/redoc`` (ReDoc), served whole
by the registry: their files come from the ``fastapi-offline`` package (MIT; Swagger UI is
Apache-2.0, ReDoc MIT), pinned by its version, not from a CDN, so the reference works offline
and on a closed network."""

from importlib.resources import files

from fastapi import FastAPI
from fastapi.openapi.docs import get_redoc_html, get_swagger_ui_html
from fastapi.responses import HTMLResponse
from fastapi.staticfiles import StaticFiles

from registry.web import assets

ASSETS = "/docs-assets"


def install(app: FastAPI) -> None:
    directory = files("fastapi_offline") / "static"
    app.mount(ASSETS, StaticFiles(directory=str(directory)), name="docs-assets")
    openapi_url = app.openapi_url or "/openapi.json"
    favicon = assets.static_url("img/favicon.svg")

    @app.get("/docs", include_in_schema=False, tags=["docs"])
    def docs() -> HTMLResponse:
        return get_swagger_ui_html(
            openapi_url=openapi_url,
            title=f"{app.title}: API",
            swagger_js_url=f"{ASSETS}/swagger-ui-bundle.js",
            swagger_css_url=f"{ASSETS}/swagger-ui.css",
            swagger_favicon_url=favicon,
        )

    @app.get("/redoc", include_in_schema=False, tags=["docs"])
    def redoc() -> HTMLResponse:
        return get_redoc_html(
            openapi_url=openapi_url,
            title=f"{app.title}: API",
            redoc_js_url=f"{ASSETS}/redoc.standalone.js",
            redoc_favicon_url=favicon,
            with_google_fonts=False,
        )
