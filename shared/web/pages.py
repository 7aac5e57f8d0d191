"""Server-rendered pages: one base layout and stylesheet for every service.

Pages post through the same use cases as the API. They are read with the session cookie
(HttpOnly, SameSite=Lax); every form post must also come from the same origin
(require_same_origin), which is what stops another site from posting a form with it.

"Log out" ends the login session everywhere, through the people service (see logout and
shared/web/sessions.py).
"""
from __future__ import annotations

import datetime as dt
from pathlib import Path
from urllib.parse import urlencode, urlsplit

import jinja2
from flask import Flask, Response, current_app, g, redirect, request, send_from_directory

from shared.auth.tokens import TokenError, decode_token, mint_logout_ticket, read_logout_ticket
from shared.web import sessions
from shared.web.auth import SESSION_COOKIE, require_same_origin, token_from_request

SHARED_TEMPLATES = Path(__file__).parent / "templates"
STATIC = Path(__file__).parent / "static"
# app.config key: the session owner's (people's) `end(token_id, expires_at)`, which records
# the ended session and announces it; without it /logout ends the session here only.
END_SESSION = "CIRCLES_END_SESSION"


def environment(service_templates: Path) -> jinja2.Environment:
    loader = jinja2.ChoiceLoader([jinja2.FileSystemLoader(service_templates), jinja2.FileSystemLoader(SHARED_TEMPLATES)])
    return jinja2.Environment(loader=loader, autoescape=True)


def render(env: jinja2.Environment, template: str, status: int = 200, **context) -> Response:
    html = env.get_template(template).render(principal=g.get("principal"), **context)
    return Response(html, status=status, mimetype="text/html")


def logout_url() -> str:
    """The people service's /logout, beside its login page (LOGIN_URL)."""
    login = current_app.extensions["circles"].settings.login_url
    if login.endswith("/login"):
        return login.removesuffix("login") + "logout"
    parts = urlsplit(login)
    return f"{parts.scheme}://{parts.netloc}/logout" if parts.netloc else "/logout"


def logout() -> Response:
    """The shared layout's "Log out" posts here on whichever service drew the page.

    The cookie is cleared (it belongs to the host, not to the service that set it). The
    session itself ends at the people service, which owns sessions (its pages register
    END_SESSION): it records the token and tells every service. Any other service refuses
    the token at once itself, then sends the browser on to the people service's /logout
    with a logout ticket (a 307, so the browser posts again). That second post comes from
    another origin (`Origin: null` after a redirect), so the ticket is its credential, as
    the self check-in link is for its form; without a valid ticket the origin must be ours.
    """
    runtime = current_app.extensions["circles"]
    ended, by_ticket = _ticket_session(), True
    if ended is None:
        require_same_origin()
        ended, by_ticket = _cookie_session(), False
    response = redirect(runtime.settings.login_url, code=303)
    owner_end = current_app.config.get(END_SESSION)
    if ended is not None and owner_end is not None:
        owner_end(*ended)
    elif ended is not None:
        sessions.end_locally(runtime, *ended)
        if not by_ticket:
            ticket = mint_logout_ticket(runtime.settings, *ended)
            response = redirect(f"{logout_url()}?{urlencode({'ticket': ticket})}", code=307)
    response.delete_cookie(SESSION_COOKIE, httponly=True, samesite="Lax", secure=runtime.settings.cookie_secure)
    return response


def _ticket_session() -> tuple[str, dt.datetime] | None:
    ticket = request.args.get("ticket")
    if not ticket:
        return None
    try:
        token_id, expires_at = read_logout_ticket(current_app.extensions["circles"].settings, ticket)
    except TokenError:
        return None  # treated as no ticket: the origin check decides
    return (token_id, expires_at) if 0 < len(token_id) <= sessions.MAX_TOKEN_ID else None


def _cookie_session() -> tuple[str, dt.datetime] | None:
    """The login session this request carries, if it is one that can be ended."""
    token, _ = token_from_request()
    if not token:
        return None
    try:
        principal = decode_token(current_app.extensions["circles"].settings, token)
    except TokenError:
        return None  # nothing to end: an expired or foreign token is refused anyway
    return (principal.token_id, principal.expires_at) if sessions.endable(principal) else None


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
