"""Authentication on every endpoint that is not explicitly public, plus role checks.

A token comes as `Authorization: Bearer …` or in the session cookie the login page sets.
Anything but GET/HEAD/OPTIONS made with the cookie must come from this origin
(require_same_origin): the defence against cross-site request forgery for page forms and
the API alike, on top of the cookie's SameSite=Lax. A login-session token (the `ses`
claim) whose session was logged out is refused like an invalid one (shared/web/sessions.py).
"""
from __future__ import annotations

import functools
from urllib.parse import urlencode, urlsplit

from flask import Flask, current_app, g, redirect, request
from flask_smorest import Blueprint, abort

from shared.auth.tokens import Principal, TokenError, decode_token
from shared.errors import Forbidden
from shared.web import sessions
from shared.web.problems import problem

SESSION_COOKIE = "circles_session"
PUBLIC_ATTR = "_circles_public"
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


def public(view):
    """Mark a view function (or one method of a class view, or a whole MethodView class) as
    reachable without a token; a function or method is documented so (`security: []`)."""
    if not isinstance(view, type):
        view = Blueprint.doc(security=[])(view)
    setattr(view, PUBLIC_ATTR, True)
    return view


def _marked_public(view) -> bool:
    # Function views may be wrapped by flask-smorest decorators; class views carry the
    # marker on their class.
    while view is not None:
        if getattr(view, PUBLIC_ATTR, False) or getattr(getattr(view, "view_class", None), PUBLIC_ATTR, False):
            return True
        view = getattr(view, "__wrapped__", None)
    return False


def is_public_request() -> bool:
    """Whether this request's endpoint (and method) is reachable without a token."""
    if request.endpoint is None:  # unknown route: let it 404 as a problem
        return True
    if request.endpoint in current_app.config.get("CIRCLES_PUBLIC_ENDPOINTS", ()):
        return True
    view = current_app.view_functions.get(request.endpoint)
    # A class view may mark one method public (a public GET beside an authenticated POST).
    method = getattr(getattr(view, "view_class", None), request.method.lower(), None)
    return _marked_public(view) or _marked_public(method)


def token_from_request() -> tuple[str | None, bool]:
    """The token, and whether it came from the session cookie (a browser sends that by itself)."""
    header = request.headers.get("Authorization", "")
    if header.lower().startswith("bearer "):
        return header[7:].strip(), False
    return request.cookies.get(SESSION_COOKIE), True


def require_same_origin(opaque_origin_ok: bool = False) -> None:
    """Refuse a form post that another site made the browser send.

    Browsers send `Origin` with every form post; it must be this service's own. Without
    one, a `Referer` naming another origin is refused too. A request with neither is not a
    browser's form post (scripts and tests). `Origin: null` (sandboxed frames, or a page
    served with Referrer-Policy: no-referrer) is refused unless `opaque_origin_ok`: only
    for a form whose URL itself holds the secret (the self check-in link), which another
    site cannot know.
    """
    own = request.host_url.rstrip("/")
    origin = request.headers.get("Origin")
    if origin is not None:
        if origin.strip() == "null" and opaque_origin_ok:
            return
        if origin.rstrip("/") != own:
            raise Forbidden("This form must be sent from the Circles page itself.")
        return
    referer = request.headers.get("Referer")
    if referer:
        parts = urlsplit(referer)
        if f"{parts.scheme}://{parts.netloc}" != own:
            raise Forbidden("This form must be sent from the Circles page itself.")


def _unauthorized(detail: str):
    if request.blueprint in current_app.config.get("CIRCLES_PAGE_BLUEPRINTS", ()):
        login = current_app.extensions["circles"].settings.login_url
        return redirect(f"{login}?{urlencode({'next': request.full_path.rstrip('?')})}")
    return problem(401, "Unauthorized", detail, headers={"WWW-Authenticate": 'Bearer realm="circles"'})


class SessionEnded(TokenError):
    """A login-session token whose session was logged out."""


def verify(token: str) -> Principal:
    """The token's principal, or TokenError: invalid, expired, or a logged-out session.
    Only session tokens (the `ses` claim) are looked up; bearer tokens cost no query."""
    runtime = current_app.extensions["circles"]
    principal = decode_token(runtime.settings, token)
    if principal.session and sessions.is_ended(runtime, principal.token_id):
        raise SessionEnded("the session has ended")
    return principal


def authenticate():
    if request.method == "OPTIONS" or is_public_request():
        return None
    token, from_cookie = token_from_request()
    if not token:
        return _unauthorized("A bearer token is required.")
    try:
        g.principal = verify(token)
    except SessionEnded:
        return _unauthorized("The session has ended; log in again.")
    except TokenError:
        return _unauthorized("The token is invalid or has expired.")
    if from_cookie and request.method not in SAFE_METHODS:
        # A change made with the session cookie, page form or API alike, must come from
        # this origin: the cookie (SameSite=Lax) still travels from sibling sites.
        require_same_origin()
    return None


def install(app: Flask) -> None:
    app.before_request(authenticate)


def current_principal() -> Principal:
    return g.principal


def require_roles(*roles: str):
    """Allow a view only to callers with one of the roles."""
    def decorator(view):
        @functools.wraps(view)
        def wrapper(*args, **kwargs):
            principal = g.get("principal")
            if principal is None or principal.role not in roles:
                abort(403, message=f"This action needs one of the roles: {', '.join(roles)}.")
            return view(*args, **kwargs)
        return wrapper
    return decorator
