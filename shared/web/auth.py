"""Authentication on every endpoint that is not explicitly public, plus role checks."""
from __future__ import annotations

import functools

from urllib.parse import urlencode

from flask import Flask, current_app, g, redirect, request
from flask_smorest import abort

from shared.auth.tokens import Principal, TokenError, decode_token
from shared.web.problems import problem

SESSION_COOKIE = "circles_session"
PUBLIC_ATTR = "_circles_public"


def public(view):
    """Mark a view function or MethodView class as reachable without a token."""
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


def _is_public() -> bool:
    if request.endpoint is None:  # unknown route: let it 404 as a problem
        return True
    if request.endpoint in current_app.config.get("CIRCLES_PUBLIC_ENDPOINTS", ()):
        return True
    view = current_app.view_functions.get(request.endpoint)
    # A class view may mark one method public (a public GET beside an authenticated POST).
    method = getattr(getattr(view, "view_class", None), request.method.lower(), None)
    return _marked_public(view) or _marked_public(method)


def _token_from_request() -> str | None:
    header = request.headers.get("Authorization", "")
    if header.lower().startswith("bearer "):
        return header[7:].strip()
    return request.cookies.get(SESSION_COOKIE)


def _unauthorized(detail: str):
    if request.blueprint in current_app.config.get("CIRCLES_PAGE_BLUEPRINTS", ()):
        login = current_app.extensions["circles"].settings.login_url
        return redirect(f"{login}?{urlencode({'next': request.full_path.rstrip('?')})}")
    return problem(401, "Unauthorized", detail, headers={"WWW-Authenticate": 'Bearer realm="circles"'})


def authenticate():
    if request.method == "OPTIONS" or _is_public():
        return None
    token = _token_from_request()
    if not token:
        return _unauthorized("A bearer token is required.")
    try:
        g.principal = decode_token(current_app.extensions["circles"].settings, token)
    except TokenError:
        return _unauthorized("The token is invalid or has expired.")
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
