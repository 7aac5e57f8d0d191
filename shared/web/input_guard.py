"""Text that no database column can hold is refused at the door.

PostgreSQL text cannot contain NUL (U+0000), and a lone surrogate (JSON allows "\\ud800")
cannot be encoded as UTF-8 for PostgreSQL or SQLite. Either one, anywhere in the path,
the query string, a form or a JSON body (keys included), would otherwise surface as a
database error, a 500, deep inside a use case. Every request is checked once, before any
view runs: the path answers 404 (no resource has such a name), the other places a 422
problem naming each offending field, as flask-smorest's validation errors do.
"""
from __future__ import annotations

from flask import Flask, request

from shared.web.problems import problem

NUL_MESSAGE = "NUL characters (U+0000) are not allowed."
SURROGATE_MESSAGE = "Text must be valid Unicode: lone surrogates are not allowed."


def unstorable(text: str) -> str | None:
    """Why this text cannot be stored, or None when it can."""
    if "\x00" in text:
        return NUL_MESSAGE
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return SURROGATE_MESSAGE
    return None


def _walk(value, path: str, found: dict) -> None:
    if isinstance(value, str):
        reason = unstorable(value)
        if reason:
            found[path or "_body"] = [reason]
    elif isinstance(value, dict):
        for key, item in value.items():
            here = f"{path}.{key}" if path else str(key)
            reason = unstorable(str(key))
            if reason:
                found[here] = [reason]
            _walk(item, here, found)
    elif isinstance(value, list):
        for index, item in enumerate(value):
            _walk(item, f"{path}.{index}" if path else str(index), found)


def check_request():
    if unstorable(request.path):
        return problem(404, "Not Found", "No resource has a name with NUL characters or lone surrogates.")
    errors: dict[str, dict] = {}
    for location, values in (("query", request.args), ("form", request.form if request.mimetype in (
            "application/x-www-form-urlencoded", "multipart/form-data") else None)):
        found: dict = {}
        for key, value in (values.items(multi=True) if values else ()):
            _walk({key: value}, "", found)
        if found:
            errors[location] = found
    if request.is_json:
        found = {}
        _walk(request.get_json(silent=True), "", found)
        if found:
            errors["json"] = found
    if errors:
        return problem(422, "Unprocessable Entity", "The request did not pass validation; see 'errors'.",
                       errors=errors)
    return None


def install(app: Flask) -> None:
    app.before_request(check_request)
