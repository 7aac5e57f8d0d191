"""Server-rendered pages: one base layout and stylesheet for every service.

Pages post through the same use cases as the API. They are read with the session cookie
(SameSite=Lax); form posts must also come from the same origin.
"""
from __future__ import annotations

from pathlib import Path

import jinja2
from flask import Flask, Response, current_app, g, redirect, request, send_from_directory

from shared.errors import Forbidden
from shared.web.auth import SESSION_COOKIE

SHARED_TEMPLATES = Path(__file__).parent / "templates"
STATIC = Path(__file__).parent / "static"


def environment(service_templates: Path) -> jinja2.Environment:
    loader = jinja2.ChoiceLoader([jinja2.FileSystemLoader(service_templates), jinja2.FileSystemLoader(SHARED_TEMPLATES)])
    return jinja2.Environment(loader=loader, autoescape=True)


def render(env: jinja2.Environment, template: str, status: int = 200, **context) -> Response:
    html = env.get_template(template).render(principal=g.get("principal"), **context)
    return Response(html, status=status, mimetype="text/html")


def require_same_origin() -> None:
    """Refuse a form post that another site made the browser send."""
    origin = request.headers.get("Origin")
    if origin and origin.rstrip("/") != request.host_url.rstrip("/"):
        raise Forbidden("This form must be sent from the Circles page itself.")


def logout() -> Response:
    """The shared layout's "Log out" posts here on whichever service drew the page: the
    session cookie belongs to the host, not to the service that set it."""
    require_same_origin()
    response = redirect(current_app.extensions["circles"].settings.login_url, code=303)
    response.delete_cookie(SESSION_COOKIE)
    return response


def install_assets(app: Flask) -> None:
    """The shared stylesheet and the logout every page layout points at."""
    app.add_url_rule("/assets/circles.css", "circles_css",
                     lambda: send_from_directory(STATIC, "circles.css", mimetype="text/css"))
    app.add_url_rule("/logout", "logout", logout, methods=["POST"])
    app.config.setdefault("CIRCLES_PUBLIC_ENDPOINTS", set()).update({"circles_css", "logout"})
