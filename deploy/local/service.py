"""`python -m deploy.local.service <name> --port <port>`: one service of `make dev` as ONE process.

Local development only: compose and Kubernetes run the web app under gunicorn and the worker
(`python -m services.<name> worker`) as processes of their own. Here both share a process:
the worker's threads (outbox relay, consumers, jobs; shared/worker.py, the same broker wait
and topic creation as `run_worker`) and the Flask app (`services.<name>.app:create_app()`)
served by werkzeug's threaded WSGI server. SIGINT or SIGTERM stops the web server and then the
worker, as the worker process does.

Metrics: the process has one registry for both sides, and the local Prometheus
(deploy/prometheus/prometheus.local.yml) still scrapes two targets per service, so each family
is served once: the web port's /metrics has the HTTP families (what a gunicorn web app serves),
WORKER_METRICS_PORT has everything else (what a worker process serves). Never exported twice.
"""
from __future__ import annotations

import argparse
import importlib
import logging
import os
import signal
import threading

SERVICES = ("people", "checkins", "notifications", "resources", "reporting")


class _Families:
    """A view of the process's registry: the metric families whose names `keep` accepts."""

    def __init__(self, registry, keep):
        self.registry, self.keep = registry, keep

    def collect(self):
        return [family for family in self.registry.collect() if self.keep(family.name)]


def metric_views():
    """(the web side's registry, the worker side's registry), splitting the process's one."""
    from prometheus_client import REGISTRY, CollectorRegistry

    from shared import metrics

    web = {family.name for collector in (metrics.HTTP_REQUESTS, metrics.HTTP_LATENCY)
           for family in collector.describe()}
    views = []
    for keep in (lambda name: name in web, lambda name: name not in web):
        view = CollectorRegistry(auto_describe=False)
        view.register(_Families(REGISTRY, keep))
        views.append(view)
    return tuple(views)


def with_metrics(app, registry):
    """The WSGI app, with /metrics answered from `registry` rather than the process's whole one."""
    from prometheus_client import make_wsgi_app

    metrics_app = make_wsgi_app(registry)

    def dispatch(environ, start_response):
        if environ.get("PATH_INFO") == "/metrics":
            return metrics_app(environ, start_response)
        return app(environ, start_response)
    return dispatch


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m deploy.local.service", description=__doc__.splitlines()[0])
    parser.add_argument("name", choices=SERVICES)
    parser.add_argument("--port", type=int, required=True, help="the web app's port")
    parser.add_argument("--host", default="127.0.0.1")
    args = parser.parse_args(argv)

    # One process: metrics in memory. prometheus_client chooses when first imported, below.
    os.environ.pop("PROMETHEUS_MULTIPROC_DIR", None)
    stop, serving = threading.Event(), threading.Event()

    def on_signal(*_):
        if not serving.is_set():
            raise SystemExit(0)  # still importing and building: nothing to finish, stop at once
        stop.set()  # then the worker finishes what it has in hand, as `run_worker` does

    for signum in (signal.SIGTERM, signal.SIGINT):
        signal.signal(signum, on_signal)

    from werkzeug.serving import make_server

    from shared.runtime import Runtime
    from shared.settings import load_settings
    from shared.worker import serve_worker_metrics, start_worker, stop_worker

    spec = importlib.import_module(f"services.{args.name}.spec").SPEC
    # As gunicorn and `python -m services.<name> worker` build them (each refuses the development
    # JWT secret without CIRCLES_DEV and configures the JSON logs).
    app = importlib.import_module(f"services.{args.name}.app").create_app()
    runtime = Runtime(spec, settings=load_settings(spec.name))
    logging.getLogger("werkzeug").setLevel(logging.WARNING)  # the app writes its own access line
    web_metrics, worker_metrics = metric_views()
    serve_worker_metrics(worker_metrics)
    server = make_server(args.host, args.port, with_metrics(app, web_metrics), threaded=True)
    web = threading.Thread(target=server.serve_forever, name="web", daemon=True)
    web.start()
    serving.set()
    log = logging.getLogger(__name__)
    log.info("web app listening", extra={"fields": {"address": f"http://{args.host}:{args.port}"}})
    worker = start_worker(runtime, stop)  # waits for the broker; None if stopped meanwhile
    stop.wait()
    log.info("stopping")
    server.shutdown()
    server.server_close()
    if worker is None:
        runtime.dispose()
    else:
        stop_worker(worker)
    app.extensions["circles"].dispose()


if __name__ == "__main__":
    main()
