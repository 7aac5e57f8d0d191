"""RFC 9457 problem details: every error response is application/problem+json."""
from __future__ import annotations

import json
import logging

from flask import Response
from flask_smorest import Api
from werkzeug.exceptions import HTTPException

PROBLEM_JSON = "application/problem+json"
log = logging.getLogger(__name__)


def problem(status: int, title: str, detail: str | None = None, headers: dict | None = None,
            **extensions) -> Response:
    body = {"type": "about:blank", "title": title, "status": status}
    if detail:
        body["detail"] = detail
    body.update({k: v for k, v in extensions.items() if v is not None})
    response = Response(json.dumps(body), status=status, mimetype=PROBLEM_JSON)
    for name, value in (headers or {}).items():
        response.headers[name] = value
    return response


class ProblemApi(Api):
    """flask-smorest's Api, answering every HTTP error as problem+json."""

    def handle_http_exception(self, error: HTTPException):
        data = getattr(error, "data", None) or {}
        errors = data.get("errors") or data.get("messages")
        detail = data.get("message") or error.description
        if errors:
            detail = "The request did not pass validation; see 'errors'."
        return problem(error.code or 500, error.name, detail, headers=data.get("headers"), errors=errors)


def handle_unexpected(error: Exception) -> Response:
    if isinstance(error, HTTPException):
        return ProblemApi.handle_http_exception(None, error)
    log.exception("unhandled error")
    return problem(500, "Internal Server Error", "An unexpected error occurred; it has been logged.")
