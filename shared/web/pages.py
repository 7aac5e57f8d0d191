"""Server-rendered pages: one base layout and stylesheet for every service.

Pages post through the same use cases as the API. They are read with the session cookie
(HttpOnly, SameSite=Lax); every form post must also come from the same origin
(require_same_origin), which is what stops another site from posting a form with it.
"""
from __future__ import annotations

from pathlib import Path

import jinja2
from flask import Flask, Response, current_app, g, redirect, send_from_directory

from shared.web.auth import SESSION_COOKIE, require_same_origin  # noqa: F401 - the pages' import

SHARED_TEMPLATES = Path(__file__).parent / "templates"
STATIC = Path(__file__).parent / "static"


def environment(service_templates: Path) -> jinja2.Environment:
    loader = jinja2.ChoiceLoader([jinja2.FileSystemLoader(service_templates), jinja2.FileSystemLoader(SHARED_TEMPLATES)])
    return jinja2.Environment(loader=loader, autoescape=True)


def render(env: jinja2.Environment, template: str, status: int = 200, **context) -> Response:
    html = env.get_template(template).render(principal=g.get("principal"), **context)
    return Response(html, status=status, mimetype="text/html")


def logout() -> Response:
    """The shared layout's "Log out" posts here on whichever service drew the page: the
    session cookie belongs to the host, not to the service that set it."""
    require_same_origin()
    settings = current_app.extensions["circles"].settings
    response = redirect(settings.login_url, code=303)
    response.delete_cookie(SESSION_COOKIE, httponly=True, samesite="Lax", secure=settings.cookie_secure)
    return response


def stylesheet(name: str) -> Response:
    """/assets/<name>.css: the shared stylesheet and each service's page styles (no
    inline styles: the pages' Content-Security-Policy allows stylesheets from here only)."""
    return send_from_directory(STATIC, f"{name}.css", mimetype="text/css")


def install_assets(app: Flask) -> None:
    """The stylesheets and the logout every page layout points at."""
    app.add_url_rule("/assets/circles.css", "circles_css",
                     lambda: send_from_directory(STATIC, "circles.css", mimetype="text/css"))
    app.add_url_rule("/assets/<name>.css", "circles_stylesheet", stylesheet)
    app.add_url_rule("/logout", "logout", logout, methods=["POST"])
    app.config.setdefault("CIRCLES_PUBLIC_ENDPOINTS", set()).update({"circles_css", "circles_stylesheet", "logout"})
