"""Per-request correlation id, request metrics and a JSON access log line."""
from __future__ import annotations

import logging
import time

from flask import Flask, g, request

from shared import correlation, metrics

HEADER = "X-Correlation-ID"
log = logging.getLogger("circles.access")


def _start() -> None:
    incoming = request.headers.get(HEADER, "")
    # Accept a caller's id only if it looks like one; never echo arbitrary input.
    value = incoming if 8 <= len(incoming) <= 64 and incoming.replace("-", "").isalnum() else correlation.new_id()
    g.correlation_token = correlation.set_current(value)
    g.request_started = time.perf_counter()


def _finish(response):
    service = g.get("service_name", "unknown")
    # The route template (e.g. /persons/<uuid:person_id>), never the raw path with ids.
    route = request.url_rule.rule if request.url_rule else "unmatched"
    elapsed = time.perf_counter() - g.get("request_started", time.perf_counter())
    metrics.HTTP_REQUESTS.labels(service, request.method, route, str(response.status_code)).inc()
    metrics.HTTP_LATENCY.labels(service, request.method, route).observe(elapsed)
    response.headers[HEADER] = correlation.current() or ""
    log.info("request", extra={"fields": {
        "method": request.method, "route": route, "status": response.status_code,
        "duration_ms": round(elapsed * 1000, 2),
    }})
    return response


def _teardown(_exc) -> None:
    token = g.pop("correlation_token", None)
    if token is not None:
        correlation.reset(token)


def install(app: Flask, service: str) -> None:
    app.before_request(lambda: setattr(g, "service_name", service))
    app.before_request(_start)
    app.after_request(_finish)
    app.teardown_request(_teardown)
