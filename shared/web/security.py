"""Security headers on every response, and a plain error page for the server-rendered pages.

One after_request hook, installed by create_service_app, so no view can forget them:

- every response: `X-Content-Type-Options: nosniff` and `Referrer-Policy:
  strict-origin-when-cross-origin` (so a form post still carries its Origin, which
  require_same_origin checks);
- HTML: a strict `Content-Security-Policy` (PAGE_POLICY: nothing but this origin's
  stylesheets and images, no script at all, forms only to this origin and the login page,
  no framing) and `X-Frame-Options: DENY`; every other response `default-src 'none';
  frame-ancestors 'none'` (a JSON or SVG document opened directly runs nothing);
- a view marked `@frameable` (the directory's embed page) may be framed by any site:
  `frame-ancestors *` and no X-Frame-Options;
- a view marked `@secret_url` (its URL is the credential, as the self check-in link):
  `Referrer-Policy: no-referrer`, `Cache-Control: no-store`, `X-Robots-Tag: noindex`;
- `Cache-Control: no-store` on every answer to an authenticated request (person data) and
  on every response that sets a cookie, unless the view chose its own Cache-Control.

Pages have no JavaScript. Their styles live in stylesheets under /assets/; a template that
must keep a `<style>` element of its own (the printable crisis plan, which stays styled
when saved to disk) registers it with `allow_inline_style`, and only that exact text is
allowed, by its SHA-256 hash. The Swagger UI page at /docs (flask-smorest's, scripts from
a CDN and one inline bootstrap script) gets a docs-only policy instead.
"""
from __future__ import annotations

import base64
import hashlib
import logging
import re
from pathlib import Path
from urllib.parse import urlsplit

import jinja2
from flask import Flask, Response, current_app, g, request
from werkzeug.exceptions import HTTPException

from shared import correlation
from shared.web.problems import handle_unexpected

log = logging.getLogger(__name__)

FRAMEABLE_ATTR = "_circles_frameable"
SECRET_URL_ATTR = "_circles_secret_url"
DOCS_CDN = "https://cdn.jsdelivr.net"
NON_HTML_POLICY = "default-src 'none'; frame-ancestors 'none'"
STYLE_ELEMENT = re.compile(r"<style[^>]*>(.*?)</style>", re.S | re.I)
INLINE_SCRIPT = re.compile(r"<script>(.*?)</script>", re.S | re.I)
TEMPLATES = Path(__file__).parent / "templates"
_ERRORS = jinja2.Environment(loader=jinja2.FileSystemLoader(TEMPLATES), autoescape=True)

# 'sha256-…' sources of the inline <style> elements templates registered (allow_inline_style).
_STYLE_HASHES: set[str] = set()


def frameable(view):
    """Let any site frame this page (it must hold nothing private and change nothing)."""
    setattr(view, FRAMEABLE_ATTR, True)
    return view


def secret_url(view):
    """This page's URL is a secret (a signed link): never sent on as a referrer, never stored."""
    setattr(view, SECRET_URL_ATTR, True)
    return view


def _hash(text: str) -> str:
    return "'sha256-" + base64.b64encode(hashlib.sha256(text.encode()).digest()).decode() + "'"


def allow_inline_style(env: jinja2.Environment, template: str) -> None:
    """Allow the <style> elements of one template, exactly as written in its source."""
    source, _, _ = env.loader.get_source(env, template)
    blocks = STYLE_ELEMENT.findall(source)
    if not blocks:
        raise ValueError(f"{template} has no <style> element")
    for block in blocks:
        if "{{" in block or "{%" in block or "{#" in block:
            raise ValueError(f"a <style> element in {template} holds template code; only fixed text can be allowed")
        _STYLE_HASHES.add(_hash(block))


def _marked(attr: str) -> bool:
    view = current_app.view_functions.get(request.endpoint) if request.endpoint else None
    method = getattr(getattr(view, "view_class", None), request.method.lower(), None)
    for candidate in (view, method):
        while candidate is not None:
            if getattr(candidate, attr, False) or getattr(getattr(candidate, "view_class", None), attr, False):
                return True
            candidate = getattr(candidate, "__wrapped__", None)
    return False


def _origin(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}" if parts.scheme and parts.netloc else ""


def page_policy(frame_ancestors: str = "'none'") -> str:
    """The Content-Security-Policy of every server-rendered page."""
    login = _origin(current_app.extensions["circles"].settings.login_url)
    styles = " ".join(["'self'", *sorted(_STYLE_HASHES)])
    # form-action names the login page's origin: "Log out" on any service redirects there.
    return (f"default-src 'self'; script-src 'none'; object-src 'none'; base-uri 'none'; "
            f"style-src {styles}; img-src 'self' data:; form-action 'self'{' ' + login if login else ''}; "
            f"frame-ancestors {frame_ancestors}")


def _docs_policy(response: Response) -> str:
    # Only the API description's own bootstrap script runs inline, by its hash.
    scripts = " ".join(sorted({_hash(s) for s in INLINE_SCRIPT.findall(response.get_data(as_text=True))}))
    return (f"default-src 'self'; script-src 'self' {DOCS_CDN} {scripts}; "
            f"style-src 'self' {DOCS_CDN} 'unsafe-inline'; img-src 'self' data: {DOCS_CDN}; connect-src 'self'; "
            "object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'")


def add_headers(response: Response) -> Response:
    headers = response.headers
    headers["X-Content-Type-Options"] = "nosniff"
    frame = _marked(FRAMEABLE_ATTR)
    secret = _marked(SECRET_URL_ATTR)
    if response.mimetype == "text/html":
        if (request.endpoint or "").startswith("api-docs."):
            policy = _docs_policy(response)
        else:
            policy = page_policy("*" if frame else "'none'")
        headers.setdefault("Content-Security-Policy", policy)
    else:
        headers.setdefault("Content-Security-Policy", NON_HTML_POLICY)
    if frame:
        headers.pop("X-Frame-Options", None)
    else:
        headers["X-Frame-Options"] = "DENY"
    if secret:
        headers["Referrer-Policy"] = "no-referrer"
        headers["Cache-Control"] = "no-store"
        headers["X-Robots-Tag"] = "noindex"
    else:
        headers.setdefault("Referrer-Policy", "strict-origin-when-cross-origin")
    if g.get("principal") is not None or "Set-Cookie" in headers:
        headers.setdefault("Cache-Control", "no-store")
    return response


def is_page_request() -> bool:
    return request.blueprint in current_app.config.get("CIRCLES_PAGE_BLUEPRINTS", ())


def error_page(status: int, title: str, detail: str, headers: dict | None = None) -> Response:
    """A plain page for errors the page blueprints do not answer themselves."""
    html = _ERRORS.get_template("error.html").render(
        status=status, title=title, detail=detail, reference=correlation.current())
    response = Response(html, status=status, mimetype="text/html")
    response.headers.update(headers or {})
    return response


def handle_unexpected_error(error: Exception) -> Response:
    """An unexpected exception: logged with its traceback and the correlation id; the
    visitor gets a plain page (or a problem document from the API) without either."""
    if isinstance(error, HTTPException) or not is_page_request():
        return handle_unexpected(error)
    log.exception("unhandled error")
    return error_page(500, "Something went wrong",
                      "The page could not be shown because of an error on our side. It has been logged; "
                      "please try again in a moment.")


def install(app: Flask) -> None:
    app.after_request(add_headers)
    # Replaces the problem-only handler: pages get a page, the API still a problem document.
    app.register_error_handler(Exception, handle_unexpected_error)
