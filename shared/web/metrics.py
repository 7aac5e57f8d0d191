"""The /metrics endpoint, correct under gunicorn with several worker processes.

With PROMETHEUS_MULTIPROC_DIR set (the gunicorn config sets it), every process writes its
samples to files there and this endpoint aggregates them; without it, the process's own
registry is served.
"""
from __future__ import annotations

import os

from flask import Response
from prometheus_client import CONTENT_TYPE_LATEST, REGISTRY, CollectorRegistry, generate_latest
from prometheus_client.multiprocess import MultiProcessCollector


def registry() -> CollectorRegistry:
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        collected = CollectorRegistry()
        MultiProcessCollector(collected)
        return collected
    return REGISTRY


def metrics_response() -> Response:
    return Response(generate_latest(registry()), mimetype=CONTENT_TYPE_LATEST)
