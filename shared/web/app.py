"""The application factory every service builds on."""
from __future__ import annotations

from apispec.ext.marshmallow import MarshmallowPlugin
from apispec.ext.marshmallow.common import resolve_schema_cls
from flask import Flask
from werkzeug.exceptions import HTTPException

from shared.clock import Clock
from shared.logs import configure_logging
from shared.runtime import Runtime, ServiceSpec
from shared.settings import Settings, require_real_secret
from shared.web import auth, health, observability, pages, ratelimit, security
from shared.web import input_guard
from shared.web.problems import DOMAIN_ERRORS, ProblemApi, handle_domain_error, handle_unexpected


def create_service_app(spec: ServiceSpec, title: str, description: str, blueprints: list,
                       settings: Settings | None = None, clock: Clock | None = None,
                       page_blueprints: tuple = (), public_rate_limit: str | None = None) -> Flask:
    runtime = Runtime(spec, settings=settings, clock=clock)
    require_real_secret(runtime.settings)
    configure_logging(spec.name, runtime.settings.log_level)
    app = Flask(f"circles.{spec.name}")
    app.config.update(
        API_TITLE=title,
        API_VERSION="v1",
        OPENAPI_VERSION="3.0.3",
        OPENAPI_URL_PREFIX="/",
        OPENAPI_JSON_PATH="openapi.json",
        OPENAPI_SWAGGER_UI_PATH="/docs",
        OPENAPI_SWAGGER_UI_URL="https://cdn.jsdelivr.net/npm/swagger-ui-dist/",
        API_SPEC_OPTIONS={
            "info": {"description": description},
            "components": {"securitySchemes": {
                "bearerAuth": {"type": "http", "scheme": "bearer", "bearerFormat": "JWT"},
            }},
            "security": [{"bearerAuth": []}],
        },
        TESTING=runtime.settings.testing,
    )
    app.extensions["circles"] = runtime
    api = ProblemApi(app, spec_kwargs={"marshmallow_plugin": MarshmallowPlugin(schema_name_resolver=schema_name)})
    # The API description and its docs page are public by design.
    app.config["CIRCLES_PUBLIC_ENDPOINTS"] = {
        name for name in app.view_functions if name.startswith("api-docs.")
    }
    pages.install_assets(app)
    observability.install(app, spec.name)
    auth.install(app)
    input_guard.install(app)  # NUL / lone surrogates in any input: a 4xx problem, never a 500
    app.register_error_handler(Exception, handle_unexpected)
    for error in DOMAIN_ERRORS:
        app.register_error_handler(error, handle_domain_error)
    app.register_error_handler(HTTPException, api.handle_http_exception)
    security.install(app)  # headers on every response; an error page for pages
    ratelimit.install(app, public_rate_limit)
    api.register_blueprint(health.blp)
    for blueprint in blueprints:
        api.register_blueprint(blueprint)
    # Server-rendered pages: not part of the API description; a visitor without a
    # session is sent to the login page instead of getting a 401 document.
    app.config["CIRCLES_PAGE_BLUEPRINTS"] = {bp.name for bp in page_blueprints}
    for blueprint in page_blueprints:
        app.register_blueprint(blueprint)
    return app


def schema_name(schema) -> str:
    """OpenAPI component names: the class name, with "Partial" for PATCH bodies."""
    name = resolve_schema_cls(schema).__name__.removesuffix("Schema")
    return f"Partial{name}" if getattr(schema, "partial", False) is True else name


def runtime_of(app: Flask) -> Runtime:
    return app.extensions["circles"]
