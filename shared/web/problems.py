"""RFC 9457 problem details: every error response is application/problem+json."""
from __future__ import annotations

import json
import logging

import marshmallow as ma

from flask import Response
from flask_smorest import Api
from werkzeug.exceptions import HTTPException

from shared.errors import Conflict, Forbidden, Invalid, NotFound

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


class ProblemSchema(ma.Schema):
    """RFC 9457 problem details, as every Circles error is answered (documentation)."""
    type = ma.fields.String(required=True, metadata={"description": "A URI for the problem type; about:blank"})
    title = ma.fields.String(required=True)
    status = ma.fields.Integer(required=True, metadata={"description": "The HTTP status code"})
    detail = ma.fields.String()
    errors = ma.fields.Dict(metadata={"description": "Validation errors by location and field"})


class ProblemApi(Api):
    """flask-smorest's Api, answering every HTTP error as problem+json."""

    ERROR_SCHEMA = ProblemSchema

    def _register_responses(self):
        """flask-smorest's default error responses, documented as application/problem+json
        (what handle_http_exception and the domain error handlers answer)."""
        self.DEFAULT_RESPONSE_CONTENT_TYPE = PROBLEM_JSON
        try:
            super()._register_responses()
        finally:
            del self.DEFAULT_RESPONSE_CONTENT_TYPE  # successes stay application/json

    def handle_http_exception(self, error: HTTPException):
        data = getattr(error, "data", None) or {}
        errors = data.get("errors") or data.get("messages")
        detail = data.get("message") or error.description
        if errors:
            detail = "The request did not pass validation; see 'errors'."
        return problem(error.code or 500, error.name, detail, headers=data.get("headers"), errors=errors)


def handle_domain_error(error: Exception) -> Response:
    if isinstance(error, NotFound):
        return problem(404, "Not Found", str(error))
    if isinstance(error, Forbidden):
        return problem(403, "Forbidden", str(error))
    if isinstance(error, Conflict):
        return problem(409, "Conflict", str(error))
    field = getattr(error, "field", None)
    return problem(422, "Unprocessable Entity", str(error), errors={field: [str(error)]} if field else None)


DOMAIN_ERRORS = (NotFound, Forbidden, Invalid, Conflict)


def handle_unexpected(error: Exception) -> Response:
    if isinstance(error, HTTPException):
        return ProblemApi.handle_http_exception(None, error)
    log.exception("unhandled error")
    return problem(500, "Internal Server Error", "An unexpected error occurred; it has been logged.")
